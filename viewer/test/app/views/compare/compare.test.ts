/** Two models compared: their datasets paired, layers paired, and deephys compare's JSON checked against the files. */
import { beforeAll, describe, expect, it } from "vitest";
import { buildColumns, modelGroups, type ModelGroup, type OpenFile } from "../../../../src/app/columns";
import { comparisonOf, pairedLayer } from "../../../../src/app/views/compare/pairing";
import { parsePythonMatching } from "../../../../src/app/views/compare/python-matching";
import type { RunInfo } from "../../../../src/format/info";
import { Run } from "../../../../src/format/run";
import { fixtureSource } from "../../../fixtures";

let small: RunInfo;
beforeAll(async () => {
  small = (await Run.open(fixtureSource("small.deephys"))).info;
});

/** `small` as another model (another fingerprint), with its datasets renamed or resized as given. */
function other(change: (info: RunInfo) => RunInfo = (i) => i): RunInfo {
  return change({ ...small, name: "other.deephys", model: { ...small.model, fingerprint: "another" } });
}

function groupsOf(...infos: RunInfo[]): ModelGroup[] {
  const files: OpenFile[] = infos.map((info, i) => ({ fileId: i + 1, info }));
  return modelGroups(files, buildColumns(files));
}

describe("pairing two models", () => {
  it("pairs the datasets of the same name and size, the reference the first ID in both", () => {
    const groups = groupsOf(small, other());
    const cmp = comparisonOf(groups, groups[0], null)!;
    expect(cmp.b).toBe(groups[1]);
    expect(cmp.pairs.map(([a, b]) => [a.info.name, b.run.name])).toEqual(small.datasets.map((d) => [d.name, "other.deephys"]));
    expect(cmp.reference?.[0].info.role).toBe("id");
    const alone = groupsOf(small);
    expect(comparisonOf(alone, alone[0], null)).toBeNull();
  });

  it("leaves out datasets of another size, and has no reference without an ID dataset in both", () => {
    const resized = other((i) => ({ ...i, datasets: i.datasets.map((d) => (d.role === "id" ? { ...d, images: d.images + 1 } : d)) }));
    const groups = groupsOf(small, resized);
    const cmp = comparisonOf(groups, groups[0], null)!;
    expect(cmp.pairs.every(([a]) => a.info.role === "ood")).toBe(true);
    expect(cmp.onlyA.map((c) => c.info.role)).toEqual(["id"]);
    expect(cmp.reference).toBeNull();
  });

  it("pairs layers by name, else by relative depth", () => {
    const renamed = other((i) => ({ ...i, model: { ...i.model, layers: i.model.layers.map((l, k) => ({ ...l, name: `layer ${k}` })) } }));
    expect(pairedLayer(small, other(), small.model.layers[0].name).name).toBe(small.model.layers[0].name);
    expect(pairedLayer(small, renamed, small.model.layers[0].name).name).toBe("layer 0");
    expect(pairedLayer(small, renamed, small.model.layers[small.model.layers.length - 1].name).name).toBe(`layer ${small.model.layers.length - 1}`);
  });
});

describe("deephys compare's output", () => {
  const json = (a: string, b: string, units: number, unitsB: number, layer: string) =>
    JSON.stringify({
      a: { file: `runs/${a}` },
      b: { file: `/abs/${b}` },
      reference: "ID",
      layers: [
        {
          a: layer,
          b: layer,
          best: Array.from({ length: units }, (_, i) => ({ unit: i, match: (i + 1) % unitsB, correlation: 0.9 })),
          one_to_one: Array.from({ length: units }, (_, i) => ({ unit: i, match: i < unitsB ? i : -1, correlation: i < unitsB ? 0.8 : null })),
          unique_to_a: [],
          unique_to_b: [],
          threshold: 0.5,
        },
      ],
    });

  it("is read for the files it names, checked against their layers and units", () => {
    const b = other();
    const layer = small.model.layers[0];
    const m = parsePythonMatching(json(small.name, b.name, layer.units, layer.units, layer.name), "compare.json", small, b);
    expect(m.layers[0].best[0]).toEqual({ unit: 0, match: 1, correlation: 0.9 });
    expect(m.source).toBe("compare.json");
  });

  it("is refused, saying why, for other files, layers, units, or not JSON", () => {
    const b = other();
    const layer = small.model.layers[0];
    expect(() => parsePythonMatching("{", "x.json", small, b)).toThrow("is not JSON");
    expect(() => parsePythonMatching("{}", "x.json", small, b)).toThrow("not the output of `deephys compare");
    expect(() => parsePythonMatching(json("x.deephys", b.name, layer.units, layer.units, layer.name), "x.json", small, b)).toThrow(`compares x.deephys with ${b.name}`);
    expect(() => parsePythonMatching(json(small.name, b.name, layer.units, layer.units, "nope"), "x.json", small, b)).toThrow("which");
    expect(() => parsePythonMatching(json(small.name, b.name, layer.units + 1, layer.units, layer.name), "x.json", small, b)).toThrow("lists");
    expect(() => parsePythonMatching(json(small.name, b.name, layer.units, layer.units + 5, layer.name), "x.json", small, b)).toThrow("is not a unit");
  });
});
