/** Links resolved against the open files: filled in, and what names nothing here replaced with a notice. */
import { beforeAll, describe, expect, it } from "vitest";
import { buildColumns, modelGroups, type ModelGroup, type OpenFile } from "../../src/app/columns";
import { DEFAULT_SHOWN, MAX_SHOWN, resolveRoute } from "../../src/app/resolve";
import { parseHash } from "../../src/app/router";
import { categoryParams, imageParams, indexParam, neuronParams, noParams, overviewParams } from "../../src/app/views/params";
import type { RunInfo } from "../../src/format/info";
import { Run } from "../../src/format/run";
import { fixtureSource } from "../fixtures";

const REGISTRY = {
  views: { neuron: 1, image: 1, category: 1, overview: 1, shift: 1 },
  params: { neuron: neuronParams, image: imageParams, category: categoryParams, overview: overviewParams, shift: noParams },
  defaultView: "neuron",
};

let small: RunInfo;
let dtypes: RunInfo;
beforeAll(async () => {
  small = (await Run.open(fixtureSource("small.deephys"))).info;
  dtypes = (await Run.open(fixtureSource("dtypes.deephys"))).info;
});

/** `small.deephys` with `n` datasets (copies of its two, renamed). */
function many(n: number): RunInfo {
  const datasets = Array.from({ length: n }, (_, i) => ({ ...small.datasets[i % 2], index: i, name: `set ${i}`, role: i === 0 ? ("id" as const) : ("ood" as const) }));
  return { ...small, name: "many.deephys", datasets };
}

function groupsOf(...infos: RunInfo[]): ModelGroup[] {
  const files: OpenFile[] = infos.map((info, i) => ({ fileId: i + 1, info }));
  return modelGroups(files, buildColumns(files));
}

const resolve = (hash: string, groups: ModelGroup[]) => resolveRoute(parseHash(hash), groups, REGISTRY);

describe("resolving a link", () => {
  it("fills in what it leaves out, silently", () => {
    const r = resolve("", groupsOf(small));
    expect(r.route).toEqual({ view: "neuron", layer: "fc1", params: [], lead: "ID", norm: "ID", show: [] });
    expect(r.notices).toEqual([]);
    expect(r.shown.map((c) => c.id)).toEqual(["ID", "OOD shifted"]);
  });

  it("names what is not here and where it went instead", () => {
    const g = groupsOf(small);
    const cases: [string, string, RegExp][] = [
      ["#/neuron/fc1/999", "#/neuron/fc1/0", /Layer fc1 has no unit 999 \(its units are 0–11\): showing unit 0\./],
      ["#/neuron/fc9/3", "#/neuron/fc1/3", /The model has no layer "fc9": showing layer fc1\./],
      ["#/nope/fc1", "#/neuron/fc1", /There is no "nope" view: showing the neuron view\./],
      ["#/neuron/fc1/2?lead=Missing", "#/neuron/fc1/2", /No dataset "Missing" is open: the Lead is ID\./],
      ["#/neuron/fc1/2?norm=Gone", "#/neuron/fc1/2", /No dataset "Gone" is open: the Normalizer is ID\./],
      ["#/image/fc1/Elsewhere/3", "#/image/fc1/ID/3", /No dataset "Elsewhere" here: showing ID\./],
      ["#/image/fc1/ID/5000", "#/image/fc1/ID/0", /ID has no image 5000 \(it has \d+ images, 0–\d+\): showing image 0\./],
      ["#/category/fc1/42", "#/category/fc1/0", /The model has no class 42 \(its classes are 0–3\): showing class 0 \(cat\)\./],
      ["#/category/fc1/1/x", "#/category/fc1/1", /The model has no class x: showing class 1 \(dog\) alone\./],
      ["#/overview/fc1/ID/0/9", "#/overview/fc1", /The confusion matrix of ID has no class 9: no cell opened\./],
      ["#/overview/fc1/Other/0/1", "#/overview/fc1", /No dataset "Other" is shown here/],
      ["#/shift/fc1/extra", "#/shift/fc1", /Ignored the end of the link \(extra\)\./],
      ["#/neuron/fc1/3?show=ID&show=Ghost", "#/neuron/fc1/3", /Not open, so not shown: "Ghost"\./],
    ];
    for (const [hash, path, notice] of cases) {
      const r = resolve(hash, g);
      expect(r.notices.join(" "), hash).toMatch(notice);
      expect(`#/${[r.route.view, r.route.layer, ...r.route.params].join("/")}`, hash).toBe(path);
    }
  });

  it("keeps valid links as they are", () => {
    const g = groupsOf(small);
    for (const hash of ["#/neuron/fc1/11", "#/image/fc1/OOD shifted/2", "#/category/fc1/1/2", "#/overview/fc1/ID/0/1"]) {
      const r = resolve(`${hash}?lead=ID&norm=none`, g);
      expect(r.notices, hash).toEqual([]);
      expect(r.route.params).toEqual(parseHash(hash).params);
    }
    expect(indexParam("3", 4)).toBe(3);
    expect(indexParam("4", 4)).toBeNull();
    expect(indexParam("-1", 4)).toBeNull();
    expect(indexParam("1e1", 40)).toBeNull();
    expect(indexParam(undefined, 4)).toBeNull();
  });

  it("shows the first datasets by default, the Lead always, at most MAX_SHOWN of those the link picks", () => {
    const g = groupsOf(many(75));
    const r = resolve("", g);
    expect(r.shown.map((c) => c.id)).toEqual(Array.from({ length: DEFAULT_SHOWN }, (_, i) => `set ${i}`));
    // A Lead beyond the first few takes the last place.
    const far = resolve("#/neuron/fc1/0?lead=set+40", g);
    expect(far.shown.map((c) => c.id)).toEqual(["set 0", "set 1", "set 2", "set 3", "set 4", "set 40"]);
    expect(far.route.show).toEqual([]);
    // Picked: in file order, the Lead added; the default choice is written as no choice.
    const picked = resolve("#/neuron/fc1/0?lead=set+9&show=set+30&show=set+2", g);
    expect(picked.shown.map((c) => c.id)).toEqual(["set 2", "set 9", "set 30"]);
    expect(picked.route.show).toEqual(["set 2", "set 9", "set 30"]);
    const all = resolve(`#/neuron/fc1/0?${Array.from({ length: 20 }, (_, i) => `show=set+${i}`).join("&")}`, g);
    expect(all.shown.length).toBe(MAX_SHOWN);
    expect(all.notices.join(" ")).toMatch(/At most 12 datasets are shown side by side/);
  });

  it("keeps another model's datasets apart", () => {
    const g = groupsOf(small, dtypes);
    expect(g.map((x) => x.name)).toEqual(["tiny-net", "dtype-net"]);
    const r = resolve("#/neuron/fc1/0?show=ID&show=edges", g);
    expect(r.shown.map((c) => c.id)).toEqual(["ID"]);
    expect(r.notices.join(" ")).toMatch(/Of another model than the Lead's, so not shown beside it: "edges"/);
    // The Lead decides the model; a Normalizer of another model is refused.
    const other = resolve("#/neuron/f16/0?lead=edges&norm=ID", g);
    expect(other.group.name).toBe("dtype-net");
    expect(other.shown.map((c) => c.id)).toEqual(["edges"]);
    expect(other.normalizer?.id).toBe("edges");
    expect(other.notices).toEqual(["ID is of another model than the Lead's: the Normalizer is edges."]);
  });
});

describe("a dataset of another model compared with the Lead's (vs)", () => {
  it("is kept when it is of another model, dropped with a notice when it is not open, silently when it is the Lead's model", () => {
    const groups = groupsOf(small, dtypes);
    const other = groups[1].columns[0];
    const kept = resolve(`#/neuron/fc1?vs=${encodeURIComponent(other.id)}`, groups);
    expect(kept.route.vs).toBe(other.id);
    expect(kept.vs).toBe(other);
    expect(kept.notices).toEqual([]);
    const missing = resolve("#/neuron/fc1?vs=nowhere", groups);
    expect(missing.route).not.toHaveProperty("vs");
    expect(missing.notices).toEqual(['No dataset "nowhere" is open: nothing is compared with ID.']);
    const own = resolve("#/neuron/fc1?vs=ID", groups);
    expect(own.route).not.toHaveProperty("vs");
    expect(own.notices).toEqual([]);
  });
});
