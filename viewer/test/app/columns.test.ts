/** Dataset columns: names and the default layer. */
import { describe, expect, it } from "vitest";
import { buildColumns, defaultLayer } from "../../src/app/columns";
import { Run } from "../../src/format/run";
import { fixtureSource } from "../fixtures";

describe("columns", () => {
  it("name columns by dataset, with the file name when two files share a dataset name", async () => {
    const run = await Run.open(fixtureSource("small.deephys"));
    const files = [
      { fileId: 1, info: run.info },
      { fileId: 2, info: run.info },
    ];
    expect(buildColumns(files.slice(0, 1)).map((c) => c.id)).toEqual(["ID", "OOD shifted"]);
    expect(buildColumns(files).map((c) => c.id)).toEqual([
      "small.deephys:ID", "small.deephys:OOD shifted", "small.deephys:ID", "small.deephys:OOD shifted",
    ]);
    expect(defaultLayer(run.info)).toBe("fc1");
  });
});
