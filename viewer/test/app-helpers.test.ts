/** The app's pure helpers: hash routes, server file discovery, number display, columns. */
import { describe, expect, it } from "vitest";
import { buildColumns, defaultLayer } from "../src/app/columns";
import { formatNumber, normalized } from "../src/app/format-number";
import { formatHash, parseHash } from "../src/app/router";
import { filesJsonUrl } from "../src/app/server-files";
import { wrapUnit } from "../src/app/views/UnitPicker";
import { Run } from "../src/format/run";
import { fixtureSource } from "./fixtures";

describe("hash routes", () => {
  it("round-trip, with names that need escaping", () => {
    const route = { view: "neuron", layer: "blocks.3/mlp #1", params: ["12"], lead: "ImageNet val", norm: "none" };
    const hash = formatHash(route);
    expect(hash).toBe("#/neuron/blocks.3%2Fmlp%20%231/12?lead=ImageNet+val&norm=none");
    expect(parseHash(hash)).toEqual(route);
  });

  it("parse empty, partial and malformed hashes", () => {
    expect(parseHash("")).toEqual({ view: "", layer: "", params: [], lead: "", norm: "" });
    expect(parseHash("#/neuron/fc1/3")).toMatchObject({ view: "neuron", layer: "fc1", params: ["3"] });
    expect(parseHash("#/neuron/%E0%A4%A/3").layer).toBe("%E0%A4%A");
  });
});

describe("files.json discovery", () => {
  const at = (href: string) => {
    const u = new URL(href);
    return { protocol: u.protocol, href: u.href, pathname: u.pathname, search: u.search };
  };
  it("asks the server only when served by deephys view", () => {
    expect(filesJsonUrl(at("file:///home/u/deephys-viewer.html"))).toBeNull();
    expect(filesJsonUrl(at("http://127.0.0.1:8000/abc123/"))).toBe("http://127.0.0.1:8000/abc123/files.json");
    expect(filesJsonUrl(at("http://127.0.0.1:8000/?token=abc123"))).toBe("http://127.0.0.1:8000/abc123/files.json");
    expect(filesJsonUrl(at("http://example.org/viewer/index.html"))).toBeNull();
  });
});

describe("numbers", () => {
  it("formats significant figures and special values", () => {
    expect([1234.5, 0.012345, 2, 0, -3.14159, 1e-7, NaN, Infinity, -Infinity].map((v) => formatNumber(v))).toEqual([
      "1230", "0.0123", "2", "0", "-3.14", "1.00e-7", "NaN", "+inf", "-inf",
    ]);
  });

  it("normalizes only against a positive finite maximum", () => {
    expect(normalized(1, 4)).toBe(25);
    expect([0, -1, NaN, Infinity, null].map((r) => normalized(1, r))).toEqual([null, null, null, null, null]);
  });

  it("wraps unit indices around both ends", () => {
    expect([-1, 0, 11, 12, 25].map((n) => wrapUnit(n, 12))).toEqual([11, 0, 11, 0, 1]);
  });
});

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
