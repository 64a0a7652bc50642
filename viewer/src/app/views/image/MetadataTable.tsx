/** An image's key/value metadata from the file, as text. */
import type { KeyValue } from "../../../worker/api";

export function MetadataTable({ metadata }: { metadata: KeyValue[] }) {
  if (metadata.length === 0) return null;
  return (
    <>
      <h3>Metadata</h3>
      <table class="metadata" data-testid="metadata">
        <tbody>
          {metadata.map((kv, i) => (
            <tr key={i}>
              <th scope="row">{kv.key}</th>
              <td>{kv.value}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
