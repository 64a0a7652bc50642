/** A session of every view, for the remote browser tests: what each view shows, once it has settled. */
import type { Page } from "playwright-core";
import { expect } from "vitest";

export interface Step {
  name: string;
  text: string;
}

/** Once nothing on the page is loading any more: no busy view, every thumbnail in the viewport shown (those beyond it load when scrolled to). */
export async function settled(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    if (!document.querySelector("main.view") || document.querySelector('[aria-busy="true"]')) return false;
    return [...document.querySelectorAll<HTMLElement>(".thumb")].every((t) => {
      const r = t.getBoundingClientRect();
      const inView = r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth;
      return !inView || (t.dataset.state !== "loading" && (!(t instanceof HTMLImageElement) || t.complete));
    });
  });
}

/** The text of the view shown, once settled. */
async function viewText(page: Page): Promise<string> {
  await settled(page);
  return page.evaluate(() => document.querySelector<HTMLElement>("main.view")!.innerText);
}

/**
 * Every view: the neuron view (a unit with top images), the image view of its first top image, then
 * each view of the top bar. Without `expected`, returns what each shows (waiting until it stops
 * changing); with it, waits until each shows the same.
 */
export async function tour(page: Page, expected?: Step[]): Promise<Step[]> {
  const steps: Step[] = [];
  const step = async (name: string) => {
    if (expected) {
      const want = expected.find((s) => s.name === name)!.text;
      await expect.poll(() => viewText(page), { message: `the ${name} view`, timeout: 30_000 }).toBe(want);
      steps.push({ name, text: want });
      return;
    }
    let text = await viewText(page);
    for (let again = await viewText(page); again !== text; again = await viewText(page)) text = again;
    steps.push({ name, text });
  };
  await page.waitForSelector('[data-testid="neuron-view"][aria-busy="false"]');
  await page.fill('[data-testid="unit-input"]', "3");
  await page.press('[data-testid="unit-input"]', "Enter");
  await page.waitForSelector('[data-testid="neuron-view"][data-unit="3"][aria-busy="false"]');
  await step("neuron");
  await page.locator('[data-testid="top-images"] .image-cell').first().click();
  await page.waitForSelector('[data-testid="image-view"][aria-busy="false"]');
  await step("image");
  const links = await page.locator("nav.view-links a").evaluateAll((as) => as.map((a) => [a.textContent ?? "", a.getAttribute("href") ?? ""]));
  for (const [label, href] of links) {
    await page.locator("nav.view-links a", { hasText: label }).click();
    const view = href.split("/")[1]; // "#/overview/fc1" -> overview
    await page.waitForSelector(`main.view[data-testid="${view}-view"]`);
    await step(label);
  }
  return steps;
}

