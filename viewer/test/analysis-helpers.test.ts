/** The analysis views' pure helpers: column references, shift plans, table sorting, heatmap shrinking. */
import { beforeAll, describe, expect, it } from "vitest";
import { maxPool } from "../src/app/charts/Heatmap";
import { buildColumns, type Column } from "../src/app/columns";
import { classInColumn, indexParam, layerRefOf, normalizerRef, orderedColumns, referenceColumn } from "../src/app/views/common/refs";
import { sortOrder, textOrder } from "../src/app/views/common/sort";
import { planShifts } from "../src/app/views/shift/shifts";
import { Run } from "../src/format/run";
import { fixtureSource } from "./fixtures";

let columns: Column[];
beforeAll(async () => {
  const small = await Run.open(fixtureSource("small.deephys"));
  const dtypes = await Run.open(fixtureSource("dtypes.deephys"));
  columns = buildColumns([
    { fileId: 1, info: small.info },
    { fileId: 2, info: dtypes.info },
  ]);
});

describe("column references", () => {
  it("layers by name, Normalizer only for the same shape, reference and order", () => {
    const [id, ood, edges] = columns;
    expect(layerRefOf(ood, "fc1")).toEqual({ fileId: 1, dataset: 1, layer: 0 });
    expect(layerRefOf(edges, "fc1")).toBeNull();
    expect(normalizerRef(id, "fc1", 12)).toEqual({ fileId: 1, dataset: 0, layer: 0 });
    expect(normalizerRef(id, "fc1", 6)).toBeNull();
    expect(normalizerRef(null, "fc1", 12)).toBeNull();
    expect(referenceColumn(columns, null, ood)).toBe(id);
    expect(referenceColumn(columns, edges, ood)).toBe(edges);
    expect(orderedColumns(columns, ood).map((c) => c.id)).toEqual(["OOD shifted", "ID", "edges"]);
  });
  it("classes follow the Lead by name across models", () => {
    const [id, ood, edges] = columns;
    expect(classInColumn(ood, id, 3)).toBe(3);
    expect(classInColumn(edges, id, 0)).toBe(-1); // "cat" is not a class of the other model
  });
  it("route parameters", () => {
    expect(indexParam("3", 4)).toBe(3);
    expect(indexParam("4", 4)).toBeNull();
    expect(indexParam("-1", 4)).toBeNull();
    expect(indexParam("1e1", 40)).toBeNull();
    expect(indexParam(undefined, 4)).toBeNull();
  });
});

describe("shift plans", () => {
  it("compare columns with the same layer shape and classes; say why the others are left out", () => {
    const plan = planShifts(columns, columns[0], "fc1");
    expect(plan.ref).toEqual({ fileId: 1, dataset: 0, layer: 0 });
    expect(plan.shifts.map((s) => s.column.id)).toEqual(["OOD shifted"]);
    expect(plan.skipped.map((s) => [s.column.id, s.why])).toEqual([["edges", "no layer fc1"]]);
    const none = planShifts(columns, columns[2], "fc1");
    expect(none.ref).toBeNull();
    expect(none.shifts).toEqual([]);
  });
});

describe("table sorting", () => {
  it("numbers: descending or ascending, NaN last either way, ties by index", () => {
    const v = [0.5, NaN, 1, 0.5, 0];
    expect(Array.from(sortOrder(v, "desc"))).toEqual([2, 0, 3, 4, 1]);
    expect(Array.from(sortOrder(v, "asc"))).toEqual([4, 0, 3, 2, 1]);
  });
  it("text: case-insensitive, digits as numbers, ties by index", () => {
    const names = ["b", "A", "class 10", "class 9", "a"];
    expect(Array.from(textOrder(names, "asc"))).toEqual([1, 4, 0, 3, 2]);
    expect(Array.from(textOrder(names, "desc"))).toEqual([2, 3, 0, 1, 4]);
  });
});

describe("heatmap shrinking", () => {
  it("keeps the most opaque pixel of each block", () => {
    // 2 x 4 pixels -> 1 x 2: blocks are columns 0-1 and 2-3 of both rows.
    const px = (a: number) => [10, 20, 30, a];
    const rgba = Uint8ClampedArray.from([...px(0), ...px(5), ...px(0), ...px(0), ...px(0), ...px(0), ...px(9), ...px(200)]);
    expect(Array.from(maxPool(rgba, 2, 4, 1, 2))).toEqual([10, 20, 30, 5, 10, 20, 30, 200]);
  });
});
