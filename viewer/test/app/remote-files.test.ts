/** Files opened by URL: the page's query, the Open URL field, and the link that opens them again. */
import { describe, expect, it } from "vitest";
import { nameOfUrl, parseTypedUrls, rememberSource, shareLink, urlsFromQuery } from "../../src/app/remote-files";

const at = (href: string) => {
  const u = new URL(href);
  return { protocol: u.protocol, href: u.href, pathname: u.pathname, search: u.search, hash: u.hash };
};

describe("URLs given to the page", () => {
  it("takes every url= of the query, in order, once", () => {
    const a = "https://files.example/runs/a.deephys";
    const b = "http://127.0.0.1:8000/b%20c.deephys?sig=1&x=2";
    const search = `?url=${encodeURIComponent(a)}&lead=x&url=${encodeURIComponent(b)}&url=${encodeURIComponent(a)}&url=`;
    expect(urlsFromQuery(search)).toEqual([a, b]);
    expect(urlsFromQuery("")).toEqual([]);
  });

  it("names a file by the last segment of its path", () => {
    expect(nameOfUrl("https://files.example/runs/a.deephys")).toBe("a.deephys");
    expect(nameOfUrl("http://127.0.0.1:8000/b%20c.deephys?sig=1")).toBe("b c.deephys");
    expect(nameOfUrl("https://files.example/")).toBe("files.example");
    expect(nameOfUrl("not a url")).toBe("not a url");
  });

  it("checks what is typed in the Open URL field", () => {
    const { urls, errors } = parseTypedUrls("  https://files.example/a.deephys\n s3://bucket/b.deephys  c.deephys ");
    expect(urls).toEqual(["https://files.example/a.deephys"]);
    expect(errors).toEqual([
      "s3://bucket/b.deephys: a browser cannot read s3:// addresses: use the bucket's https:// URL, or `deephys view s3://bucket/b.deephys`, which relays it",
      "c.deephys: this is not a web address (it should start with https:// or http://)",
    ]);
  });
});

describe("Copy link", () => {
  const a = "https://files.example/runs/a.deephys";
  const b = "https://other.example/b.deephys?X-Amz-Signature=abc&x=1";
  rememberSource(101, { kind: "url", url: a, name: "a.deephys" });
  rememberSource(102, { kind: "url", url: b, name: "b.deephys" });
  rememberSource(103, { kind: "file", file: new Blob([]), name: "local.deephys" });
  rememberSource(104, { kind: "url", url: "http://127.0.0.1:8123/tok/files/0", name: "served.deephys" });
  const file = (fileId: number, name: string) => ({ fileId, info: { name } });

  it("puts the files' URLs and the view in the page's URL", () => {
    const page = at(`https://viewer.example/deephys.html?url=${encodeURIComponent("https://gone.example/x.deephys")}#/neuron/fc1/3?lead=ID`);
    const { link, notes } = shareLink([file(101, "a.deephys"), file(102, "b.deephys")], page);
    expect(link).toBe(`https://viewer.example/deephys.html?url=${encodeURIComponent(a)}&url=${encodeURIComponent(b)}#/neuron/fc1/3?lead=ID`);
    expect(notes).toEqual([]);
    expect(urlsFromQuery(new URL(link!).search)).toEqual([a, b]);
  });

  it("says why files opened from disk are left out, and that a page from a file is reached here only", () => {
    const page = at("file:///home/u/deephys-viewer.html#/shift/fc1");
    const mixed = shareLink([file(101, "a.deephys"), file(103, "local.deephys")], page);
    expect(mixed.link).toBe(`file:///home/u/deephys-viewer.html?url=${encodeURIComponent(a)}#/shift/fc1`);
    expect(mixed.notes[0]).toMatch(/^local\.deephys was opened from this computer, so no link can reach it: the link leaves it out\. To share a file, put it on a web server/);
    expect(mixed.notes[1]).toMatch(/^This page is a file on this computer/);
    const local = shareLink([file(103, "local.deephys"), file(105, "dropped.deephys")], page);
    expect(local.link).toBeNull();
    expect(local.notes).toHaveLength(1);
    expect(local.notes[0]).toMatch(/^local\.deephys, dropped\.deephys were opened from this computer, so no link can reach them\. /);
  });

  it("opens the files of deephys view again by the page's own URL", () => {
    const page = at("http://127.0.0.1:8123/tok/#/neuron/fc1/2");
    const { link, notes } = shareLink([file(104, "served.deephys"), file(101, "a.deephys")], page);
    expect(link).toBe(`http://127.0.0.1:8123/tok/?url=${encodeURIComponent(a)}#/neuron/fc1/2`);
    expect(notes).toEqual(["This page is served by `deephys view` on this computer: the link works here while it runs."]);
  });
});
