/** The built single-file page, opened from file:// as a user who double-clicks it would. */
import { copyFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { FIXTURES_DIR } from "../test/paths";
import { ARTIFACTS, BUILT_PAGE, expectQuiet, launch, watchedPage } from "./browser";

const SMALL = `${FIXTURES_DIR}/small.deephys`;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(new URL(BUILT_PAGE))) throw new Error("dist/index.html is missing: run `npm run build` (npm run e2e does)");
  browser = await launch();
});
afterAll(async () => browser?.close());

describe("file://", () => {
  it("opens a file from the input and shows the neuron view, offline and quietly", async () => {
    const w = await watchedPage(browser);
    const { page } = w;
    await page.goto(`${BUILT_PAGE}#/neuron`); // not the landing view (the Findings page)
    await page.setInputFiles('[data-testid="file-input"]', SMALL);
    await page.waitForSelector('[data-testid="neuron-view"][aria-busy="false"]'); // the columns come with the numbers
    expect(await page.locator('[data-testid="column"]').count()).toBe(2);

    // Top images of a unit that fires: thumbnails decoded from the file's PNGs.
    await page.fill('[data-testid="unit-input"]', "3");
    await page.press('[data-testid="unit-input"]', "Enter");
    await page.waitForFunction(() => location.hash.startsWith("#/neuron/fc1/3"));
    await page.waitForFunction(() => {
      const images = [...document.querySelectorAll<HTMLImageElement>('[data-testid="top-images"] img')];
      return images.length > 0 && images.every((i) => i.complete && i.naturalWidth === 16);
    });
    const maxima = await page.locator('[data-testid="max-activation"]').allTextContents();
    expect(maxima[0]).toBe("100%"); // the Lead is the Normalizer: its maximum is 100%

    // A hostile class name is shown as text, never run (expectQuiet checks that no such img exists).
    await page.locator(".class-name", { hasText: "<img src=x onerror=alert(1)>" }).first().waitFor();

    // Wrap-around and invalid input.
    await page.fill('[data-testid="unit-input"]', "-1");
    await page.press('[data-testid="unit-input"]', "Enter");
    await page.waitForFunction(() => location.hash.startsWith("#/neuron/fc1/11"));
    await page.waitForFunction(() => document.querySelector<HTMLInputElement>('[data-testid="unit-input"]')?.value === "11");
    await page.fill('[data-testid="unit-input"]', "abc");
    await page.press('[data-testid="unit-input"]', "Enter");
    await page.waitForSelector('[data-testid="unit-input"][aria-invalid="true"]');
    expect(await page.evaluate(() => location.hash)).toMatch(/^#\/neuron\/fc1\/11/);

    // Layer selector.
    await page.selectOption('[data-testid="layer-select"]', "logits");
    await page.waitForFunction(() => location.hash.startsWith("#/neuron/logits/"));
    await page.waitForSelector('[data-testid="top-images"] img');

    await page.selectOption('[data-testid="layer-select"]', "fc1");
    await page.fill('[data-testid="unit-input"]', "3");
    await page.press('[data-testid="unit-input"]', "Enter");
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>("img.thumb")].every((i) => i.complete));
    await page.screenshot({ path: `${ARTIFACTS}/neuron-view.png`, fullPage: true });
    await page.emulateMedia({ colorScheme: "dark" });
    expect(await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor)).toBe("rgb(15, 17, 21)");
    await page.screenshot({ path: `${ARTIFACTS}/neuron-view-dark.png`, fullPage: true });

    await expectQuiet(w);
    await page.close();
  });

  it("keeps a link followed while the files open (not replaced by the canonical form of the one before)", async () => {
    const w = await watchedPage(browser);
    const { page } = w;
    await page.goto(BUILT_PAGE);
    // The URL changes the moment the app first renders its views, before their effects run.
    await page.evaluate(() => {
      new MutationObserver((_, observer) => {
        if (!document.querySelector(".top-bar")) return;
        observer.disconnect();
        location.hash = "#/neuron/fc1/3";
      }).observe(document.body, { childList: true, subtree: true });
    });
    await page.setInputFiles('[data-testid="file-input"]', SMALL);
    await page.waitForSelector('[data-testid="neuron-view"][data-unit="3"][aria-busy="false"]');
    await expectQuiet(w);
    await page.close();
  });

  it("opens a file dropped on the page", async () => {
    const w = await watchedPage(browser);
    const { page } = w;
    await page.goto(`${BUILT_PAGE}#/neuron`); // not the landing view (the Findings page)
    // The drop handler is attached by an effect, which runs after the open screen is painted: wait for
    // the screen, then for the frame after it (under load a drop sent at once could meet no handler).
    await page.waitForSelector('[data-testid="open-url-form"]');
    await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0))));
    const base64 = readFileSync(SMALL).toString("base64");
    await page.evaluate((data) => {
      const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
      const transfer = new DataTransfer();
      transfer.items.add(new File([bytes], "dropped.deephys"));
      for (const type of ["dragenter", "dragover", "drop"]) {
        document.body.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
      }
    }, base64);
    await page.waitForSelector('[data-testid="neuron-view"]');
    await expectQuiet(w);
    await page.close();
  });

  it("shows a clear message for a damaged or foreign file, and stays usable", async () => {
    const w = await watchedPage(browser);
    const { page } = w;
    const cut = `${ARTIFACTS}/truncated.deephys`;
    writeFileSync(cut, readFileSync(SMALL).subarray(0, 5000));
    const foreign = `${ARTIFACTS}/notes.deephys`;
    writeFileSync(foreign, "just some text, not a Deephys file\n".repeat(10));
    await page.goto(`${BUILT_PAGE}#/neuron`); // not the landing view (the Findings page)
    await page.setInputFiles('[data-testid="file-input"]', [cut, foreign]);
    // One banner per file, in plain words, with the command that helps; the technical message folded.
    const banner = page.locator('[role="alert"]');
    const cutItem = banner.locator('[data-testid="banner-item"][data-key="truncated.deephys"]');
    await cutItem.getByText("truncated.deephys could not be opened: the file is cut short: it was not completely written or copied.").waitFor();
    expect(await cutItem.locator('[data-testid="banner-command"]').textContent()).toBe("deephys repair truncated.deephys");
    const details = cutItem.getByText(/truncated\.deephys: at byte \d+: no Deephys trailer/);
    expect(await details.isVisible()).toBe(false);
    await cutItem.locator("summary").click();
    await details.waitFor();
    const foreignItem = banner.locator('[data-testid="banner-item"][data-key="notes.deephys"]');
    await foreignItem.getByText("notes.deephys could not be opened: it is not a Deephys file.").waitFor();
    expect(await foreignItem.locator('[data-testid="banner-command"]').count()).toBe(0);
    expect(await banner.locator('[data-testid="banner-item"]').count()).toBe(2);
    await page.screenshot({ path: `${ARTIFACTS}/damaged-file.png` });

    // The page still opens a good file afterwards.
    copyFileSync(SMALL, `${ARTIFACTS}/good.deephys`);
    await page.setInputFiles('[data-testid="file-input"]', `${ARTIFACTS}/good.deephys`);
    await page.waitForSelector('[data-testid="neuron-view"]');
    await expectQuiet(w);
    await page.close();
  });
});
