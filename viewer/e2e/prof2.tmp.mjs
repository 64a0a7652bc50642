import { chromium } from "playwright-core";
const b = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox"] });
const p = await b.newPage();
await p.goto("file:///tmp/dist-prof/index.html");
console.log(await p.evaluate(async () => {
  const bytes = new Uint8Array(800).map((_, i) => i);
  const blobs = Array.from({ length: 200 }, () => new Blob([bytes], { type: "image/png" }));
  let t = performance.now();
  const urls = blobs.map((b) => URL.createObjectURL(b));
  const create = performance.now() - t;
  t = performance.now();
  urls.forEach((u) => URL.revokeObjectURL(u));
  const revoke = performance.now() - t;
  t = performance.now();
  const datas = blobs.map(() => { let s = ""; for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]); return "data:image/png;base64," + btoa(s); });
  const data = performance.now() - t;
  return { create, revoke, data };
}));
await b.close();
