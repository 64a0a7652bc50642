import { defineConfig, type Plugin } from "vite";
import preact from "@preact/preset-vite";
import { viteSingleFile } from "vite-plugin-singlefile";

// Only the built page carries the policy: the dev server needs its websocket and module URLs.
// connect-src allows any http(s) server: the user may open a file on any of them (`?url=`, Open URL),
// and a single HTML file cannot widen its policy at run time. What is fetched is kept to the URLs the
// user gave by src/format/fetch-guard.ts (e2e/remote-requests.test.ts logs every request of a session).
// python/deephys/server.py PAGE_CSP is this policy, plus what only a header can say.
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'unsafe-inline'",
  "style-src 'unsafe-inline'",
  "img-src blob: data:",
  "worker-src blob:",
  "connect-src 'self' http: https:",
  "base-uri 'none'",
  "form-action 'none'",
].join("; ");

function contentSecurityPolicy(): Plugin {
  return {
    name: "deephys-csp",
    apply: "build",
    // Written as text (not a tag descriptor) so the quotes stay literal and the policy comes right after the charset.
    transformIndexHtml: (html) =>
      html.replace(
        /(<meta charset="utf-8" \/>)/,
        `$1\n    <meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}" />`,
      ),
  };
}

export default defineConfig({
  base: "./",
  plugins: [preact(), viteSingleFile(), contentSecurityPolicy()],
  // Module workers from blob: URLs are refused under file://, so workers are classic scripts.
  worker: { format: "iife" },
  build: { target: "es2022", reportCompressedSize: false, modulePreload: { polyfill: false } },
});
