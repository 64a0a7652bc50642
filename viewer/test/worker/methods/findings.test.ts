/** The findings methods on the committed fixtures (no readout there; with one, crosscheck.test.ts compares them with Python). */
import { describe, expect, it } from "vitest";
import { Run } from "../../../src/format/run";
import { computeFindings, DEFAULT_LIMITS, findingsMethods } from "../../../src/worker/methods/findings";
import { fixtureSource } from "../../fixtures";

describe("findings without a readout", () => {
  it("say how to store one, and find the confusions from the tables", async () => {
    const run = await Run.open(fixtureSource("small.deephys"));
    expect(run.info.readout).toBeNull();
    const f = await computeFindings(run);
    expect(f.readout).toEqual({ layer: null, source: null, residual: null, reason: "the file has no readout: `deephys report FILE --fit-readout --write` can store one" });
    expect(f.id_dataset).toBe(run.info.datasets.find((d) => d.role === "id")!.name);
    expect(f.datasets.map((d) => d.name)).toEqual(run.info.datasets.filter((d) => d.role === "ood").map((d) => d.name));
    for (const d of f.datasets) {
      expect(d.confusions.length).toBeLessThanOrEqual(DEFAULT_LIMITS.cells);
      expect(d.confusions.every((c) => c.units.length === 0)).toBe(true);
    }
    const tables = await computeFindings(run, "tables");
    expect(tables.datasets.map((d) => d.confusions)).toEqual(f.datasets.map((d) => d.confusions));
    expect(tables.datasets.every((d) => d.shifted_units.length === 0)).toBe(true);
    await expect(computeFindings(run, "all", { ...DEFAULT_LIMITS, cells: -1 })).rejects.toThrow(RangeError);
  });

  it("neither the votes of a unit nor the units of a wrong answer", async () => {
    const run = await Run.open(fixtureSource("small.deephys"));
    const methods = findingsMethods(() => run);
    expect(await methods.unitVotes(1, 0, 5)).toBeNull();
    expect(await methods.wrongAnswerUnits(1, 0, 0, 5)).toBeNull();
    // Asked twice, the findings are computed once.
    expect(methods.findings(1)).toBe(methods.findings(1));
  });
});
