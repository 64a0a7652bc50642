/**
 * Nothing is fetched but what the user gave: a whole session on a file opened by URL (every view,
 * unit and image switches, the dialogs, Copy link, a second page from the link) logs every request
 * the page and its worker make (Playwright's request events) and every request the file's server
 * receives (preflights and probes included). Each is the page itself, a blob: or data: URL, or the
 * file's URL. The page's policy allows `connect-src http: https:`; src/format/fetch-guard.ts keeps it to that.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { BUILT_PAGE, demoFile, launch } from "./browser";
import { startFileServer, startPageServer, type FileServer } from "./remote-server";
import { settled, tour } from "./remote-session";

let browser: Browser;
let files: FileServer;
let pages: { page: string; close(): Promise<void> };

beforeAll(async () => {
  browser = await launch();
  files = await startFileServer({ "run.deephys": demoFile() });
  pages = await startPageServer(readFileSync(fileURLToPath(BUILT_PAGE), "utf8"));
});

afterAll(async () => {
  await browser?.close();
  await files?.close();
  await pages?.close();
});

/** Every request of `page` and its workers, as the browser made them. */
function logRequests(page: Page): string[] {
  const urls: string[] = [];
  page.on("request", (r) => urls.push(r.url()));
  page.context().on("request", (r) => urls.push(r.url())); // the worker's requests come here
  page.on("websocket", (ws) => urls.push(ws.url()));
  return urls;
}

/** Opens a dialog by `opener`, reads it, and closes it with Escape (once it holds the focus: its keys are listened to then). */
async function dialog<T>(page: Page, opener: string, read?: () => Promise<T>): Promise<T | undefined> {
  await page.click(opener);
  await page.waitForFunction(() => document.querySelector('[role="dialog"]')?.contains(document.activeElement));
  const value = await read?.();
  await page.keyboard.press("Escape");
  await page.waitForSelector('[role="dialog"]', { state: "detached" });
  return value;
}

async function session(page: Page): Promise<void> {
  await tour(page);
  // Units and images by keyboard, the dialogs, Copy link.
  await page.locator("nav.view-links a", { hasText: "Neuron" }).click();
  await page.waitForSelector('[data-testid="neuron-view"][aria-busy="false"]');
  await page.locator("h1").first().click();
  for (const key of ["ArrowRight", "ArrowRight", "ArrowLeft"]) {
    const unit = await page.getAttribute('[data-testid="neuron-view"]', "data-unit");
    await page.keyboard.press(key);
    await page.waitForFunction((u) => document.querySelector('[data-testid="neuron-view"]')?.getAttribute("data-unit") !== u, unit);
    await settled(page);
  }
  await page.fill('[data-testid="unit-input"]', "3"); // a unit with top images (tour)
  await page.press('[data-testid="unit-input"]', "Enter");
  await page.waitForSelector('[data-testid="neuron-view"][data-unit="3"][aria-busy="false"]');
  await page.locator('[data-testid="top-images"] .image-cell').nth(1).click();
  await page.waitForSelector('[data-testid="image-view"][aria-busy="false"]');
  await page.locator("h1").first().click();
  await page.keyboard.press("ArrowRight");
  await settled(page);
  await dialog(page, '[data-testid="open-datasets"]');
  await dialog(page, '[data-testid="open-settings"]');
  const link = await dialog(page, '[data-testid="copy-link"]', () => page.locator('[data-testid="share-link"]').inputValue());
  await page.goto(link!);
  await page.waitForSelector('[data-testid="image-view"][aria-busy="false"]');
  await settled(page);
}

describe("requests of a session on a file opened by URL", () => {
  for (const where of ["file://", "another origin"] as const) {
    it(`from ${where}: the page, blob:/data: and the file's URL only`, async () => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(String(e)));
      page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
      const urls = logRequests(page);
      const file = files.url("ok", "run.deephys");
      const pageUrl = where === "file://" ? BUILT_PAGE : pages.page;
      const before = files.log.length;
      await page.goto(`${pageUrl}?url=${encodeURIComponent(file)}#/neuron`);
      await session(page);
      await page.close();

      const other = urls.filter((u) => !(u.startsWith(`${pageUrl}?`) || u === pageUrl || u.startsWith("blob:") || u.startsWith("data:") || u === file));
      expect(other).toEqual([]);
      expect(urls.filter((u) => u === file).length).toBeGreaterThan(2); // the file was read by ranges (and is the only URL fetched)
      const received = files.log.slice(before);
      expect(received.filter((r) => r.path !== new URL(file).pathname)).toEqual([]);
      expect(errors).toEqual([]);
    });
  }
});
