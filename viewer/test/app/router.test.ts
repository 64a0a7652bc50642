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

  it("parse empty, partial and malformed hashes", () => {
    expect(parseHash("")).toEqual({ view: "", layer: "", params: [], lead: "", norm: "", show: [] });
    expect(parseHash("#/neuron/fc1/3")).toMatchObject({ view: "neuron", layer: "fc1", params: ["3"] });
    expect(parseHash("#/neuron/%E0%A4%A/3").layer).toBe("%E0%A4%A");
  });
});
