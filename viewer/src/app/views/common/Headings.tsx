/** Plain column headings of a table (not sortable); numeric ones are right-aligned like their numbers. */
export function Headings({ names, numeric }: { names: string[]; numeric?: boolean }) {
  return (
    <>
      {names.map((name) => (
        <th scope="col" key={name} class={numeric ? "num" : undefined}>
          {name}
        </th>
      ))}
    </>
  );
}
