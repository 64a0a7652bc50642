/** Finding the files of the deephys view server (files.json). */
import { describe, expect, it } from "vitest";
import { filesJsonUrl } from "../../src/app/server-files";

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
