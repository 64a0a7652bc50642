/** Settings: limits, sanitising, storage and the live store. */
import { describe, expect, it } from "vitest";
import { formatNumber } from "../../src/app/format-number";
import {
  clampSetting,
  DEFAULT_SETTINGS,
  loadSettings,
  sanitizeSettings,
  saveSettings,
  STORAGE_KEY,
  type SettingsStorage,
} from "../../src/app/settings";
import { getSettings, updateSettings } from "../../src/app/settings-store";

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
    expect(sanitizeSettings({ chartScale: "peak", chartLog: true })).toMatchObject({ chartScale: "peak", chartLog: true });
    expect(sanitizeSettings({ chartScale: "<b>", chartLog: "yes" })).toMatchObject({ chartScale: "shared", chartLog: false });
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
