/** Headless Chromium (the system one: no browser download) with a record of everything a page does. */
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";

export const ARTIFACTS = fileURLToPath(new URL("./artifacts", import.meta.url));
export const BUILT_PAGE = new URL("../dist/index.html", import.meta.url).href;

export function launch(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
  });
}

export interface Watched {
  page: Page;
  consoleErrors: string[];
  /** Requests for anything but the page itself and the blob:/data: URLs it makes. */
  requests: string[];
  dialogs: string[];
}

export async function watchedPage(browser: Browser, allowedPrefixes: string[] = []): Promise<Watched> {
  const page = await browser.newPage();
  const watched: Watched = { page, consoleErrors: [], requests: [], dialogs: [] };
  page.on("console", (m) => m.type() === "error" && watched.consoleErrors.push(m.text()));
  page.on("pageerror", (e) => watched.consoleErrors.push(String(e)));
  page.on("dialog", (d) => {
    watched.dialogs.push(d.message());
    void d.dismiss();
  });
  const local = ["blob:", "data:", BUILT_PAGE, ...allowedPrefixes];
  page.context().on("request", (r) => {
    if (!local.some((p) => r.url().startsWith(p))) watched.requests.push(r.url());
  });
  return watched;
}
