/** Dataset columns: names and the default layer. */
import { describe, expect, it } from "vitest";
import { buildColumns, defaultLayer, modelGroups, modelKey } from "../../src/app/columns";
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
    // The same file twice: numbered, so that every column has its own id.
    expect(buildColumns(files).map((c) => c.id)).toEqual([
      "small.deephys:ID", "small.deephys:OOD shifted", "small.deephys (2):ID", "small.deephys (2):OOD shifted",
    ]);
    expect(buildColumns(files).map((c) => c.key)).toEqual(["1:0", "1:1", "2:0", "2:1"]);
    expect(defaultLayer(run.info)).toBe("fc1");
  });

  it("group files by model: fingerprint, layers and classes", async () => {
    const small = (await Run.open(fixtureSource("small.deephys"))).info;
    const other = { ...small, name: "retrained.deephys", model: { ...small.model, fingerprint: "another" } };
    const dtypes = (await Run.open(fixtureSource("dtypes.deephys"))).info;
    expect(modelKey(other)).not.toBe(modelKey(small));
    const files = [small, dtypes, other, { ...small, name: "copy.deephys" }].map((info, i) => ({ fileId: i + 1, info }));
    const groups = modelGroups(files, buildColumns(files));
    expect(groups.map((g) => [g.name, g.files.map((f) => f.info.name), g.columns.length])).toEqual([
      ["tiny-net", ["small.deephys", "copy.deephys"], 4],
      ["dtype-net", ["dtypes.deephys"], 1],
      ["tiny-net", ["retrained.deephys"], 2],
    ]);
  });
});
