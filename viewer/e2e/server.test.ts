/** The built page served by the Python `deephys view` server: files listed by files.json, read with Range requests. */
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, it } from "vitest";
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
    await page.goto(url);
    await page.waitForSelector('[data-testid="neuron-view"]');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="column"]').length === 3);
    await page.fill('[data-testid="unit-input"]', "3");
    await page.press('[data-testid="unit-input"]', "Enter");
    await page.waitForFunction(() => {
      const images = [...document.querySelectorAll<HTMLImageElement>('[data-testid="top-images"] img')];
      return images.length > 0 && images.every((i) => i.complete && i.naturalWidth > 0);
    });
    // The second file has another model: its column says so instead of failing.
    await page.getByText("This file has no unit 3 in layer fc1.").waitFor();
    await page.screenshot({ path: `${ARTIFACTS}/served.png`, fullPage: true });
    await expectQuiet(w);
    await page.close();
  });
});
