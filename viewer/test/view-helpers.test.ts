/** Pure helpers of the neuron and image views: settings, number display, histogram densities, PNG names, keys. */
import { describe, expect, it } from "vitest";
import { formatNumber, formatValue, normalized } from "../src/app/format-number";
import { isTypingTarget, shortcutOf, type KeyLike } from "../src/app/keys";
import { previewPosition } from "../src/app/Overlays";
import { isPng, pngFileName } from "../src/app/png";
import {
  clampSetting,
  DEFAULT_SETTINGS,
  loadSettings,
  sanitizeSettings,
  saveSettings,
  STORAGE_KEY,
  type SettingsStorage,
} from "../src/app/settings";
import { getSettings, updateSettings } from "../src/app/settings-store";
import { withAlpha } from "../src/app/views/neuron/DensityChart";
import { histogramDensity, overlayDensities } from "../src/app/views/neuron/histogram-data";
import { fittedSize } from "../src/app/views/image/UnitRows";

class MemoryStorage implements SettingsStorage {
  items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
}

describe("settings", () => {
  it("clamp to whole numbers within limits; anything else falls back to the default", () => {
    expect(clampSetting("imagesPerRow", 3)).toBe(8);
    expect(clampSetting("imagesPerRow", 99)).toBe(18);
    expect(clampSetting("imagesPerRow", 12.6)).toBe(13);
    expect(clampSetting("imagesPerRow", "10")).toBe(10);
    expect(clampSetting("significantFigures", NaN)).toBe(3);
    expect(clampSetting("significantFigures", "")).toBe(3);
    expect(clampSetting("largeImageSize", Infinity)).toBe(256);
    expect(clampSetting("smallImageSize", null)).toBe(64);
  });

  it("sanitize partial, foreign or hostile objects", () => {
    expect(sanitizeSettings(null)).toEqual(DEFAULT_SETTINGS);
    expect(sanitizeSettings("dark")).toEqual(DEFAULT_SETTINGS);
    expect(sanitizeSettings({ theme: "dark", imagesPerRow: 8, extra: 1 })).toEqual({ ...DEFAULT_SETTINGS, theme: "dark", imagesPerRow: 8 });
    expect(sanitizeSettings({ theme: "<script>", significantFigures: 40 })).toEqual({ ...DEFAULT_SETTINGS, significantFigures: 8 });
    expect(sanitizeSettings(JSON.parse('{"__proto__": {"theme": "dark", "imagesPerRow": 9}}'))).toEqual(DEFAULT_SETTINGS);
  });

  it("round-trip through storage; bad JSON, missing or failing storage give the defaults", () => {
    const storage = new MemoryStorage();
    expect(loadSettings(storage)).toEqual(DEFAULT_SETTINGS);
    const mine = { ...DEFAULT_SETTINGS, imagesPerRow: 9, smallImageSize: 40, largeImageSize: 300, significantFigures: 5, theme: "light" as const };
    expect(saveSettings(storage, mine)).toBe(true);
    expect(JSON.parse(storage.items.get(STORAGE_KEY)!)).toEqual(mine);
    expect(loadSettings(storage)).toEqual(mine);
    storage.items.set(STORAGE_KEY, "{not json");
    expect(loadSettings(storage)).toEqual(DEFAULT_SETTINGS);
    storage.items.set(STORAGE_KEY, JSON.stringify({ imagesPerRow: 1000 }));
    expect(loadSettings(storage).imagesPerRow).toBe(18);
    expect(loadSettings(null)).toEqual(DEFAULT_SETTINGS);
    expect(saveSettings(null, mine)).toBe(false);
    const broken: SettingsStorage = {
      getItem: () => {
        throw new Error("denied");
      },
      setItem: () => {
        throw new Error("quota");
      },
    };
    expect(loadSettings(broken)).toEqual(DEFAULT_SETTINGS);
    expect(saveSettings(broken, mine)).toBe(false);
  });

  it("the live store sanitises updates and drives the default significant figures", () => {
    expect(getSettings()).toEqual(DEFAULT_SETTINGS); // no localStorage under Node
    expect(formatNumber(Math.PI)).toBe("3.14");
    updateSettings({ significantFigures: 5 });
    expect(formatNumber(Math.PI)).toBe("3.1416");
    updateSettings({ significantFigures: 0 });
    expect(getSettings().significantFigures).toBe(1);
    expect(formatNumber(Math.PI)).toBe("3");
    updateSettings({ ...DEFAULT_SETTINGS });
    expect(formatNumber(Math.PI)).toBe("3.14");
  });
});

describe("number display", () => {
  it("honours an explicit count of significant figures", () => {
    expect([1, 2, 4, 6].map((n) => formatNumber(123.456789, n))).toEqual(["100", "120", "123.5", "123.457"]);
    expect(formatNumber(1234567, 2)).toBe("1.2e+6");
    expect(formatNumber(-0.000012345, 3)).toBe("-1.23e-5");
  });

  it("shows values as % of the Normalizer's maximum through analysis/normalize, raw for dead units", () => {
    expect(normalized(0.5, 2)).toBe(25);
    expect(normalized(NaN, 2)).toBeNaN();
    expect(normalized(Infinity, 2)).toBe(Infinity);
    for (const dead of [0, -1, NaN, Infinity, -Infinity, null, undefined]) expect(normalized(1, dead)).toBeNull();
    expect(normalized(Math.fround(0.1), 0.3)).toBe((Math.fround(0.1) / 0.3) * 100);
    expect(formatValue(0.5, 2)).toBe("25%");
    expect(formatValue(0.5, 0)).toBe("0.5");
    expect(formatValue(0.123456, null, 2)).toBe("0.12");
  });
});

describe("histogram densities", () => {
  it("turn counts over [lo, hi] into a density that integrates to one", () => {
    const d = histogramDensity([1, 3, 0, 4], 2, 6)!;
    expect(Array.from(d.edges)).toEqual([2, 3, 4, 5, 6]);
    expect(Array.from(d.density)).toEqual([1 / 8, 3 / 8, 0, 4 / 8]);
    expect(d.total).toBe(8);
    const w = histogramDensity(Uint32Array.from([5, 7, 1, 0, 9, 2, 2]), -0.3, 1.1)!;
    let area = 0;
    for (let i = 0; i < w.density.length; i++) area += w.density[i] * (w.edges[i + 1] - w.edges[i]);
    expect(area).toBeCloseTo(1, 12);
    expect(w.edges[7]).toBe(1.1); // the last edge is hi exactly
  });

  it("have no area without finite values or with all values equal", () => {
    expect(histogramDensity([0, 0, 0], 1, 2)).toBeNull();
    expect(histogramDensity([4, 0], 3, 3)).toBeNull();
    expect(histogramDensity([1, 1], NaN, NaN)).toBeNull();
    expect(histogramDensity([], 0, 1)).toBeNull();
    const huge = histogramDensity([1, 1], -1.5e308, 1.5e308)!;
    expect(Array.from(huge.edges)).toEqual([-1.5e308, 0, 1.5e308]);
    expect(huge.density.every((v) => v > 0 && Number.isFinite(v))).toBe(true);
  });

  it("overlay on the union of edges: density in range, 0 at the right edge, null outside", () => {
    const a = histogramDensity([2, 2], 0, 2)!; // density 0.5 on [0, 2)
    const b = histogramDensity([1, 3], 1, 3)!; // 0.25 on [1, 2), 0.75 on [2, 3)
    const o = overlayDensities([a, null, b]);
    expect(o.x).toEqual([0, 1, 2, 3]);
    expect(o.y[0]).toEqual([0.5, 0.5, 0, null]);
    expect(o.y[1]).toEqual([null, null, null, null]);
    expect(o.y[2]).toEqual([null, 0.25, 0.75, 0]);
    expect(overlayDensities([null])).toEqual({ x: [], y: [[]] });
  });

  it("colours the fill from a hex colour, or not at all", () => {
    expect(withAlpha("#1f6feb", 0.5)).toBe("rgba(31, 111, 235, 0.5)");
    expect(withAlpha("#abc", 1)).toBe("rgba(170, 187, 204, 1)");
    expect(withAlpha("rgb(1, 2, 3)", 0.5)).toBeUndefined();
  });
});

describe("PNG download names", () => {
  it("are <dataset>-<index>.png with the dataset reduced to safe characters", () => {
    expect(pngFileName("ImageNet val", 12)).toBe("ImageNet_val-12.png");
    expect(pngFileName("OOD <b>shift</b>", 5)).toBe("OOD_b_shift_b-5.png");
    expect(pngFileName("<img src=x onerror=alert(1)>", 0)).toBe("img_src_x_onerror_alert_1-0.png");
    expect(pngFileName("../../etc/passwd", 3)).toBe("etc_passwd-3.png");
    expect(pngFileName("C:\\Users\\x", 1)).toBe("C_Users_x-1.png");
    expect(pngFileName("Café – größe 日本", 7)).toBe("Café_größe_日本-7.png");
    expect(pngFileName("", 2)).toBe("image-2.png");
    expect(pngFileName("...", 2)).toBe("image-2.png");
    expect(pngFileName("a\u0000b\nc", 2)).toBe("a_b_c-2.png");
    expect(pngFileName("x".repeat(300), 9)).toBe(`${"x".repeat(80)}-9.png`);
    expect(pngFileName("ok", -1)).toBe("ok-0.png");
  });

  it("recognise PNG data by its signature", () => {
    expect(isPng(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))).toBe(true);
    expect(isPng(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0]))).toBe(false);
    expect(isPng(new Uint8Array(0))).toBe(false);
  });
});

describe("keyboard shortcuts", () => {
  const key = (k: string, extra: Partial<KeyLike> = {}): KeyLike => ({ key: k, altKey: false, ctrlKey: false, metaKey: false, target: null, ...extra });
  it("map keys to actions", () => {
    expect(shortcutOf(key("ArrowLeft"))).toBe("previous");
    expect(shortcutOf(key("ArrowRight"))).toBe("next");
    expect(shortcutOf(key("["))).toBe("back");
    expect(shortcutOf(key("]"))).toBe("forward");
    expect(shortcutOf(key("ArrowLeft", { altKey: true }))).toBe("back");
    expect(shortcutOf(key("ArrowRight", { altKey: true }))).toBe("forward");
    expect(shortcutOf(key("?"))).toBe("help");
    expect(shortcutOf(key("g"))).toBe("jump");
    expect(shortcutOf(key("Escape"))).toBe("close");
    expect(shortcutOf(key("x"))).toBeNull();
    expect(shortcutOf(key("ArrowLeft", { ctrlKey: true }))).toBeNull();
    expect(shortcutOf(key("]", { metaKey: true }))).toBeNull();
    expect(shortcutOf(key("g", { altKey: true }))).toBeNull();
  });

  it("leave keys to text fields, except Escape", () => {
    const input = { tagName: "INPUT" } as unknown as EventTarget;
    const editable = { tagName: "DIV", isContentEditable: true } as unknown as EventTarget;
    const button = { tagName: "BUTTON", isContentEditable: false } as unknown as EventTarget;
    expect(isTypingTarget(input)).toBe(true);
    expect(isTypingTarget(editable)).toBe(true);
    expect(isTypingTarget(button)).toBe(false);
    expect(isTypingTarget(null)).toBe(false);
    expect(shortcutOf(key("ArrowLeft", { target: input }))).toBeNull();
    expect(shortcutOf(key("ArrowLeft", { target: input, altKey: true }))).toBeNull();
    expect(shortcutOf(key("?", { target: editable }))).toBeNull();
    expect(shortcutOf(key("Escape", { target: input }))).toBe("close");
    expect(shortcutOf(key("ArrowRight", { target: button }))).toBe("next");
  });
});

describe("layout helpers", () => {
  it("place the hover preview beside the thumbnail, on screen", () => {
    const viewport = { width: 1000, height: 800 };
    expect(previewPosition({ left: 100, top: 100, right: 164, bottom: 164 }, 200, 300, viewport)).toEqual({ left: 176, top: 0 });
    expect(previewPosition({ left: 900, top: 400, right: 964, bottom: 464 }, 200, 300, viewport)).toEqual({ left: 688, top: 282 });
    expect(previewPosition({ left: 10, top: 780, right: 74, bottom: 844 }, 2000, 300, viewport)).toEqual({ left: 0, top: 500 });
  });

  it("fit a row of thumbnails into the column", () => {
    expect(fittedSize(0, 12, 64)).toBe(64); // not measured yet
    expect(fittedSize(2000, 12, 64)).toBe(64);
    expect(fittedSize(600, 12, 64)).toBe(42); // (600 - 11 * 4) / 12 - 4
    expect(fittedSize(100, 18, 64)).toBe(24);
  });
});
