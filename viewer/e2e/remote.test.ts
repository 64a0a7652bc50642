/**
 * Files opened by URL (`?url=`, the Open URL field), read by range requests from a test server on
 * another port (e2e/remote-server.ts): every view shows what it shows for the same file opened from
 * disk, from file:// and from a page of another origin; Copy link; the progress shown while reads
 * wait; and the plain-words message of each way it goes wrong (no CORS, headers not exposed, no
 * Range support, a changing ETag, a 404, no server, mixed content).
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { basename } from "node:path";
import { createServer } from "node:https";
import { tmpdir } from "node:os";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type Browser, type Page } from "playwright-core";
import { FIXTURES_DIR, PYTHON, REPO_ROOT } from "../test/paths";
import { ARTIFACTS, BUILT_PAGE, demoFile, expectQuiet, launch, openFiles, watchedPage, type Watched } from "./browser";
import { startFileServer, startPageServer, type FileServer, type Mode } from "./remote-server";
import { settled, tour, type Step } from "./remote-session";

let browser: Browser;
let files: FileServer;
let pages: { page: string; close(): Promise<void> };
let demo: string;
/** What each step of the tour shows for the file opened from disk. */
let fromDisk: Step[];

beforeAll(async () => {
  demo = demoFile();
  browser = await launch();
  // Served under its own name (the views show it, compared with the file from disk) and as run.deephys.
  files = await startFileServer({ [basename(demo)]: demo, "run.deephys": demo, "small.deephys": `${FIXTURES_DIR}/small.deephys` });
  pages = await startPageServer(readFileSync(fileURLToPath(BUILT_PAGE), "utf8"));
  const w = await watchedPage(browser);
  await w.page.setViewportSize({ width: 1280, height: 800 });
  await w.page.goto(`${BUILT_PAGE}${NEURON}`);
  await w.page.setInputFiles('[data-testid="file-input"]', demo);
  fromDisk = await tour(w.page);
  await expectQuiet(w);
  await w.page.close();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await files?.close();
  await pages?.close();
});

/** The neuron view (whatever the default view), on the layer the file opens with. */
const NEURON = "#/neuron";
const open = (page: string, ...urls: string[]) => `${page}?${urls.map((u) => `url=${encodeURIComponent(u)}`).join("&")}${NEURON}`;

/** A watched page allowed to fetch only `fileUrl`s (and the page itself). */
async function remotePage(...fileUrls: string[]): Promise<Watched> {
  const w = await watchedPage(browser, [pages.page, ...fileUrls]);
  await w.page.setViewportSize({ width: 1280, height: 800 });
  return w;
}

/** The browser's own console lines about a refused or failed request (CORS, 404): expected in the error tests. */
const networkNoise = (line: string) => /Failed to load resource|blocked by CORS policy|net::ERR_/.test(line);

describe("a file opened by URL", () => {
  it("shows every view as from disk, in a page from file://", async () => {
    const url = files.url("ok", basename(demo));
    const w = await remotePage(url);
    const before = files.log.length;
    await w.page.goto(open(BUILT_PAGE, url));
    await tour(w.page, fromDisk);
    await w.page.screenshot({ path: `${ARTIFACTS}/remote-file-page.png` });
    // Range requests only, to the file's URL, from the page's null origin.
    const asked = files.log.slice(before);
    expect(asked.every((r) => r.path === new URL(url).pathname)).toBe(true);
    expect(asked.filter((r) => r.method === "GET").every((r) => r.range !== undefined && r.origin === "null")).toBe(true);
    await expectQuiet(w);
    await w.page.close();
  });

  it("shows every view as from disk, in a page of another origin; Copy link opens the same files and view", async () => {
    const url = files.url("ok", basename(demo));
    const w = await remotePage(url);
    const { page } = w;
    const origin = new URL(pages.page).origin;
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin });
    await page.goto(open(pages.page, url));
    await tour(page, fromDisk);
    expect(files.log.filter((r) => r.method === "GET").at(-1)?.origin).toBe(origin);

    await page.locator("nav.view-links a", { hasText: "Neuron" }).click();
    await page.fill('[data-testid="unit-input"]', "5");
    await page.press('[data-testid="unit-input"]', "Enter");
    await page.waitForSelector('[data-testid="neuron-view"][data-unit="5"][aria-busy="false"]');
    const hash = await page.evaluate(() => location.hash);
    await page.click('[data-testid="copy-link"]');
    const link = await page.locator('[data-testid="share-link"]').inputValue();
    expect(link).toBe(`${pages.page}?url=${encodeURIComponent(url)}${hash}`);
    expect(await page.textContent('[data-testid="share-status"]')).toBe("Copied to the clipboard:");
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
    expect(await page.locator('[data-testid="share-note"]').count()).toBe(0);
    await page.keyboard.press("Escape");

    const again = await remotePage(url);
    await again.page.goto(link);
    await again.page.waitForSelector('[data-testid="neuron-view"][data-unit="5"][aria-busy="false"]');
    expect(await again.page.evaluate(() => location.hash)).toBe(hash);
    await expectQuiet(again);
    await again.page.close();
    await expectQuiet(w);
    await page.close();
  });

  it("opens several url= at once, and from the Open URL field", async () => {
    const [a, b] = [files.url("ok", "run.deephys"), files.url("ok", "small.deephys")];
    const w = await remotePage(a, b);
    await w.page.goto(open(BUILT_PAGE, a, b));
    await w.page.waitForSelector('[data-testid="neuron-view"][aria-busy="false"]');
    // small.deephys is of another model: kept apart, and said so.
    await w.page.locator('[data-testid="notes"]').getByText(/small\.deephys is of another model/).waitFor();

    // The field: what is not a web address is said so; a URL opens.
    await w.page.goto(`${BUILT_PAGE}${NEURON}`);
    await w.page.fill('[data-testid="url-input"]', "s3://bucket/run.deephys");
    await w.page.click('[data-testid="open-url"]');
    await w.page.getByText("s3://bucket/run.deephys: a browser cannot read s3:// addresses").waitFor();
    await w.page.fill('[data-testid="url-input"]', b);
    await w.page.click('[data-testid="open-url"]');
    await w.page.waitForSelector('[data-testid="neuron-view"][aria-busy="false"]');
    await expectQuiet(w);
    await w.page.close();
  });

  it("says why Copy link cannot reach a file opened from disk", async () => {
    const w = await openFiles(browser, `${FIXTURES_DIR}/small.deephys`, undefined, ".top-bar");
    await w.page.click('[data-testid="copy-link"]');
    expect(await w.page.textContent('[data-testid="share-status"]')).toBe("No link can reach these files.");
    expect(await w.page.textContent('[data-testid="share-note"]')).toMatch(/^small\.deephys was opened from this computer, so no link can reach it\. To share a file, put it on a web server/);
    expect(await w.page.locator('[data-testid="share-link"]').count()).toBe(0);
    await expectQuiet(w);
    await w.page.close();
  });

  it("shows the progress of a whole-file download and of the reads a view waits for", async () => {
    // A server without Range support: the download's share, until the rest of the body comes.
    const whole = files.url("no-range-held", "run.deephys");
    const w = await remotePage(whole);
    files.hold();
    await w.page.goto(open(BUILT_PAGE, whole));
    const progress = w.page.locator('[data-testid="transfer-progress"]');
    const size = readFileSync(demo).length;
    const mb = (size / 1e6).toFixed(1).replace(".", "\\.");
    await progress.getByText(new RegExp(`^Downloading all of run\\.deephys \\(its server does not answer range requests\\): [\\d.]+ (kB|MB) of ${mb} MB$`)).waitFor();
    expect(await progress.locator("progress").getAttribute("max")).toBe(String(size));
    files.release();
    await w.page.waitForSelector('[data-testid="neuron-view"][aria-busy="false"]');
    await w.page.locator('[data-testid="notes"]').getByText(new RegExp(`run\\.deephys: its server does not answer range requests, so the whole file \\(${mb} MB\\) was downloaded`)).waitFor();
    await w.page.close();

    // Range reads held: the corner says what the view waits for, and goes once they arrive.
    const url = files.url("held", "run.deephys");
    const r = await remotePage(url);
    await r.page.goto(open(BUILT_PAGE, url));
    await r.page.waitForSelector('[data-testid="neuron-view"][aria-busy="false"]');
    await settled(r.page);
    files.hold();
    // The image view needs the image's activations: a chunk not read yet.
    await r.page.locator('[data-testid="top-images"] .image-cell').first().click();
    const corner = r.page.locator('[data-testid="remote-activity"]');
    await corner.getByText(/^Reading run\.deephys from 127\.0\.0\.1:\d+: 0 B of [\d.]+ (kB|MB)$/).waitFor();
    await r.page.screenshot({ path: `${ARTIFACTS}/remote-waiting.png` });
    files.release();
    await r.page.waitForSelector('[data-testid="image-view"][aria-busy="false"]');
    await r.page.waitForFunction(() => !document.querySelector('[aria-busy="true"]') && !document.querySelector('[data-testid="remote-activity"]'));
    await expectQuiet(r);
    await r.page.close();
  });
});

describe("deephys view URL", () => {
  it("opens the page on a file whose server lets any page read it (?url=), under the server's page policy", async () => {
    const url = files.url("ok", basename(demo));
    const view = spawn(PYTHON, ["-m", "deephys.cli", "view", url, "--no-browser", "--viewer-html", fileURLToPath(BUILT_PAGE)], {
      env: { ...process.env, PYTHONPATH: `${REPO_ROOT}/python` },
      stdio: ["ignore", "pipe", "inherit"],
    });
    try {
      const lines = createInterface({ input: view.stdout! });
      const page = await new Promise<string>((resolve, reject) => {
        view.once("exit", (code) => reject(new Error(`deephys view exited with ${code}`)));
        lines.on("line", (line) => {
          const m = /^Deephys viewer at (\S+)/.exec(line);
          if (m) resolve(m[1]);
        });
      });
      expect(new URL(page).searchParams.getAll("url")).toEqual([url]);
      const w = await watchedPage(browser, [new URL(page).origin, url]);
      await w.page.setViewportSize({ width: 1280, height: 800 });
      await w.page.goto(`${page}${NEURON}`);
      await tour(w.page, fromDisk);
      await expectQuiet(w);
      await w.page.close();
    } finally {
      view.kill("SIGINT");
    }
  });
});

describe("a file that cannot be read by URL", () => {
  /** Opens `url` from file:// and returns the text of its file's banner. */
  async function bannerFor(url: string, name = "run.deephys"): Promise<{ w: Watched; text: string }> {
    const w = await remotePage(url);
    await w.page.goto(open(BUILT_PAGE, url));
    const item = w.page.locator(`[data-testid="problems"] [data-testid="banner-item"][data-key="${name}"]`);
    await item.waitFor();
    const text = (await item.locator(".banner-title").textContent()) ?? "";
    // The open screen stays, with the URL in its field to try again.
    expect(await w.page.locator('[data-testid="url-input"]').inputValue()).toBe(url);
    return { w, text };
  }

  /** No request outside the page and `url`; no console error but the browser's own lines about the refused requests. */
  async function quietBut(w: Watched): Promise<void> {
    expect(w.consoleErrors.filter((l) => !networkNoise(l))).toEqual([]);
    expect(w.requests).toEqual([]);
    expect(w.dialogs).toEqual([]);
    await w.page.close();
  }

  const cases: [Mode | "no-server", RegExp][] = [
    [
      "no-cors",
      /^run\.deephys could not be opened: blocked by CORS or unreachable: 127\.0\.0\.1:\d+ answers, but does not let this page read the file \(CORS\): the server's answers must carry Access-Control-Allow-Origin: \* \(this page is opened from a file, whose origin is null\) and Access-Control-Expose-Headers: Content-Range, Content-Length, ETag, which reading by ranges needs/,
    ],
    ["no-server", /^run\.deephys could not be opened: blocked by CORS or unreachable: 127\.0\.0\.1:\d+ does not answer \(is the server running, is the address right\?\)/],
    [
      "no-expose",
      /^run\.deephys could not be opened: the server answers range requests, but this page may not see its Content-Range header: its answers must carry Access-Control-Expose-Headers: Content-Range, Content-Length, ETag \(CORS\)/,
    ],
    [
      "no-range-huge",
      /^run\.deephys could not be opened: the server does not support range requests \(it answers a request for a part of the file with all of it, 600 MB\)\. Reading it would mean downloading all of it, which the viewer does only up to 512 MiB: the server must support Range requests/,
    ],
    ["changing-etag", /^run\.deephys could not be opened: the file changed on the server while it was read \(its ETag changed from "v\d+" to "v\d+"\): open it again\./],
    ["missing", /^run\.deephys could not be opened: no file at this URL \(404 Not Found\)\.$/],
  ];

  it.each(cases)("%s: says so", async (mode, message) => {
    let url = mode === "no-server" ? "" : files.url(mode, "run.deephys");
    if (mode === "no-server") {
      const gone = await startPageServer(""); // a free port, then nobody there
      url = `${new URL(gone.page).origin}/ok/run.deephys`;
      await gone.close();
    }
    const { w, text } = await bannerFor(url);
    expect(text).toMatch(message);
    if (mode === "no-cors") await w.page.screenshot({ path: `${ARTIFACTS}/remote-cors.png` });
    await quietBut(w);
  });

  it("a file that changes after it is opened: every later read is refused, nothing of the new version is shown", async () => {
    const url = files.url("versioned", "run.deephys");
    const w = await remotePage(url);
    await w.page.goto(open(BUILT_PAGE, url));
    await w.page.waitForSelector('[data-testid="neuron-view"][aria-busy="false"]');
    await settled(w.page);
    files.changeVersion();
    await w.page.locator('[data-testid="top-images"] .image-cell').first().click();
    const item = w.page.locator('[data-testid="problems"] [data-testid="banner-item"][data-key="run.deephys"]');
    await item.getByText(/^run\.deephys: part of it cannot be shown: the file changed on the server while it was read \(its ETag changed from "v1" to "v2"\): open it again/).waitFor();
    await w.page.screenshot({ path: `${ARTIFACTS}/remote-changed.png` });
    files.changeVersion(1);
    await quietBut(w);
  });

  it("an https page asked for an http file: mixed content, and no request made", async () => {
    const dir = mkdtempSync(`${tmpdir()}/deephys-tls-`);
    try {
      execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", `${dir}/key.pem`, "-out", `${dir}/cert.pem`, "-days", "1", "-subj", "/CN=127.0.0.1"], { stdio: "ignore" });
      const html = readFileSync(fileURLToPath(BUILT_PAGE));
      const tls = createServer({ key: readFileSync(`${dir}/key.pem`), cert: readFileSync(`${dir}/cert.pem`) }, (_, res) => res.writeHead(200, { "Content-Type": "text/html" }).end(html));
      await new Promise<void>((resolve) => tls.listen(0, "127.0.0.1", resolve));
      const port = (tls.address() as { port: number }).port;
      // files.test is this computer for the browser, but not an address it trusts as local: http to it is mixed content.
      const https = await chromium.launch({
        executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
        args: ["--headless", "--no-sandbox", "--disable-gpu", "--ignore-certificate-errors", "--host-resolver-rules=MAP files.test 127.0.0.1"],
      });
      try {
        const page = await https.newPage();
        const errors: string[] = [];
        page.on("pageerror", (e) => errors.push(String(e)));
        const url = `http://files.test:${new URL(files.origin).port}/ok/run.deephys`;
        const before = files.log.length;
        await page.goto(open(`https://127.0.0.1:${port}/viewer.html`, url));
        const item = page.locator('[data-testid="problems"] [data-testid="banner-item"][data-key="run.deephys"]');
        await item.getByText(/^run\.deephys could not be opened: mixed content: this page was loaded over https, and the browser blocks its requests to http:\/\/ addresses\. Open the file by an https:\/\/ URL/).waitFor();
        expect(files.log.length).toBe(before);
        expect(errors).toEqual([]);
      } finally {
        await https.close();
        await new Promise((resolve) => tls.close(resolve));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
