/** Shift plans: which columns the shift view compares, and why it leaves the others out. */
import { beforeAll, describe, expect, it } from "vitest";
import type { Column } from "../../../../src/app/columns";
import { planShifts } from "../../../../src/app/views/shift/shifts";
import { fixtureColumns } from "../../../fixtures";

let columns: Column[];
beforeAll(async () => {
  columns = await fixtureColumns();
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
