import { defineConfig, type Plugin } from "vite";
import preact from "@preact/preset-vite";
import { viteSingleFile } from "vite-plugin-singlefile";

// Only the built page carries the policy: the dev server needs its websocket and module URLs.
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'unsafe-inline'",
  "style-src 'unsafe-inline'",
  "img-src blob: data:",
  "worker-src blob:",
  "connect-src 'self'",
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
