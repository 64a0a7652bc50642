/** The built page served by the Python `deephys view` server: files listed by files.json, read with Range requests. */
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { FIXTURES_DIR, PYTHON, REPO_ROOT } from "../test/paths";
import { ARTIFACTS, BUILT_PAGE, expectQuiet, launch, watchedPage } from "./browser";

const SERVE = `
import sys
from deephys.server import ViewerServer
with ViewerServer(sys.argv[2:], viewer_html=sys.argv[1]) as server:
    print(server.url, flush=True)
    sys.stdin.read()  # serve until the test closes our stdin
`;

let browser: Browser;
let server: ChildProcess;
let url: string;

beforeAll(async () => {
  server = spawn(PYTHON, ["-c", SERVE, fileURLToPath(BUILT_PAGE), `${FIXTURES_DIR}/small.deephys`, `${FIXTURES_DIR}/dtypes.deephys`], {
    env: { ...process.env, PYTHONPATH: `${REPO_ROOT}/python` },
    stdio: ["pipe", "pipe", "inherit"],
  });
  url = await new Promise<string>((resolve, reject) => {
    server.once("exit", (code) => reject(new Error(`the server exited with ${code}`)));
    createInterface({ input: server.stdout! }).once("line", resolve);
  });
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
  server?.stdin?.end();
  server?.kill();
});

describe("deephys view", () => {
  it("opens every served file and talks to nothing but the server", async () => {
    const origin = new URL(url).origin;
    const w = await watchedPage(browser, [origin]);
    const { page } = w;
    await page.goto(`${url}#/neuron`); // not the landing view (the Findings page)
    await page.waitForSelector('[data-testid="neuron-view"]');
    await page.fill('[data-testid="unit-input"]', "3");
    await page.press('[data-testid="unit-input"]', "Enter");
    await page.waitForFunction(() => {
      const images = [...document.querySelectorAll<HTMLImageElement>('[data-testid="top-images"] img')];
      return images.length > 0 && images.every((i) => i.complete && i.naturalWidth > 0);
    });
    // The second file has another model: kept apart (its datasets are not columns beside the first's), and said so.
    expect(await page.locator('[data-testid="column"]').count()).toBe(2);
    await page.locator('[data-testid="notes"]').getByText(/dtypes\.deephys is of another model \(dtype-net\)/).waitFor();
    await page.screenshot({ path: `${ARTIFACTS}/served.png`, fullPage: true });
    // The Datasets dialog switches to it.
    await page.click('[data-testid="open-datasets"]');
    await page.click('[data-testid="switch-model"]');
    await page.waitForFunction(() => document.querySelector('[data-testid="column"]')?.getAttribute("data-column") === "edges");
    expect(await page.locator('[data-testid="column"]').count()).toBe(1);
    await expectQuiet(w);
    await page.close();
  });
});
