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
].join("; ");

function contentSecurityPolicy(): Plugin {
  return {
    name: "deephys-csp",
    apply: "build",
    transformIndexHtml: () => [
      {
        tag: "meta",
        attrs: { "http-equiv": "Content-Security-Policy", content: CONTENT_SECURITY_POLICY },
        injectTo: "head-prepend",
      },
    ],
  };
}

export default defineConfig({
  base: "./",
  plugins: [preact(), viteSingleFile(), contentSecurityPolicy()],
  // Module workers from blob: URLs are refused under file://, so workers are classic scripts.
  worker: { format: "iife" },
  build: { target: "es2022", reportCompressedSize: false },
});
