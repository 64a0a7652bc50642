/** Hash routes. */
import { describe, expect, it } from "vitest";
import { formatHash, parseHash } from "../../src/app/router";

describe("hash routes", () => {
  it("round-trip, with names that need escaping", () => {
    const route = { view: "neuron", layer: "blocks.3/mlp #1", params: ["12"], lead: "ImageNet val", norm: "none", show: [] };
    const hash = formatHash(route);
    expect(hash).toBe("#/neuron/blocks.3%2Fmlp%20%231/12?lead=ImageNet+val&norm=none");
    expect(parseHash(hash)).toEqual(route);
  });

  it("keep the datasets shown, in order, whatever their names", () => {
    const route = { view: "neuron", layer: "fc1", params: ["3"], lead: "a", norm: "a", show: ["a", "b&c=d", "e,f"] };
    const hash = formatHash(route);
    expect(hash).toBe("#/neuron/fc1/3?lead=a&norm=a&show=a&show=b%26c%3Dd&show=e%2Cf");
    expect(parseHash(hash)).toEqual(route);
  });

  it("keep a dataset of another model compared with the Lead's", () => {
    const route = { view: "compare", layer: "fc1", params: ["fc"], lead: "a.deephys:ID", norm: "none", show: [], vs: "b.deephys:ID" };
    const hash = formatHash(route);
    expect(hash).toBe("#/compare/fc1/fc?lead=a.deephys%3AID&norm=none&vs=b.deephys%3AID");
    expect(parseHash(hash)).toEqual(route);
    expect(parseHash("#/neuron/fc1/3?vs=")).not.toHaveProperty("vs");
  });

  it("parse empty, partial and malformed hashes", () => {
    expect(parseHash("")).toEqual({ view: "", layer: "", params: [], lead: "", norm: "", show: [] });
    expect(parseHash("#/neuron/fc1/3")).toMatchObject({ view: "neuron", layer: "fc1", params: ["3"] });
    expect(parseHash("#/neuron/%E0%A4%A/3").layer).toBe("%E0%A4%A");
  });
});
