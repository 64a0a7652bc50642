/** Column references of the analysis views: layers, Normalizer, reference, order, classes. */
import { beforeAll, describe, expect, it } from "vitest";
import type { Column } from "../../../../src/app/columns";
import { classInColumn, layerRefOf, normalizerRef, orderedColumns, referenceColumn } from "../../../../src/app/views/common/refs";
import { fixtureColumns } from "../../../fixtures";

let columns: Column[];
beforeAll(async () => {
  columns = await fixtureColumns();
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
});
