/** Viewer settings: their defaults, limits, validation and storage (pure; the live store is settings-store.ts). */

export type Theme = "system" | "light" | "dark";
export const THEMES: readonly Theme[] = ["system", "light", "dark"];

/** How density charts scale each curve: all on one density axis, or each to its own peak (a narrow peak then flattens no other curve). */
export type ChartScale = "shared" | "peak";
export const CHART_SCALES: readonly ChartScale[] = ["shared", "peak"];

export interface Settings {
  /** Top images shown in each unit's row of the image view. */
  imagesPerRow: number;
  /** Edge of thumbnails (top images, unit rows), in CSS pixels. */
  smallImageSize: number;
  /** Edge of the image in the image view and of the hover preview, in CSS pixels. */
  largeImageSize: number;
  /** Significant figures of every number shown. */
  significantFigures: number;
  theme: Theme;
  chartScale: ChartScale;
  /** A logarithmic density axis (histograms dominated by one bin, e.g. the zeros of ReLU units). */
  chartLog: boolean;
}

type NumericKey = Exclude<keyof Settings, "theme" | "chartScale" | "chartLog">;

export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
  imagesPerRow: 12,
  smallImageSize: 64,
  largeImageSize: 256,
  significantFigures: 3,
  theme: "system",
  chartScale: "shared",
  chartLog: false,
});

/** Inclusive [min, max] of each numeric setting; all are whole numbers. */
export const LIMITS: Readonly<Record<NumericKey, readonly [number, number]>> = Object.freeze({
  imagesPerRow: [8, 18],
  smallImageSize: [32, 160],
  largeImageSize: [128, 640],
  significantFigures: [1, 8],
});

export const STORAGE_KEY = "deephys.viewer.settings.v1";

/** `value` as a whole number within the setting's limits, or the default when it is not a finite number. */
export function clampSetting(key: NumericKey, value: unknown): number {
  const number = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  if (typeof number !== "number" || !Number.isFinite(number)) return DEFAULT_SETTINGS[key];
  const [lo, hi] = LIMITS[key];
  return Math.min(hi, Math.max(lo, Math.round(number)));
}

/** Complete, valid settings from anything (e.g. parsed JSON of an older or edited version). */
export function sanitizeSettings(raw: unknown): Settings {
  const o = raw !== null && typeof raw === "object" ? (raw as { [key: string]: unknown }) : {};
  const theme = THEMES.includes(o.theme as Theme) ? (o.theme as Theme) : DEFAULT_SETTINGS.theme;
  const chartScale = CHART_SCALES.includes(o.chartScale as ChartScale) ? (o.chartScale as ChartScale) : DEFAULT_SETTINGS.chartScale;
  const chartLog = typeof o.chartLog === "boolean" ? o.chartLog : DEFAULT_SETTINGS.chartLog;
  return {
    imagesPerRow: o.imagesPerRow === undefined ? DEFAULT_SETTINGS.imagesPerRow : clampSetting("imagesPerRow", o.imagesPerRow),
    smallImageSize: o.smallImageSize === undefined ? DEFAULT_SETTINGS.smallImageSize : clampSetting("smallImageSize", o.smallImageSize),
    largeImageSize: o.largeImageSize === undefined ? DEFAULT_SETTINGS.largeImageSize : clampSetting("largeImageSize", o.largeImageSize),
    significantFigures:
      o.significantFigures === undefined ? DEFAULT_SETTINGS.significantFigures : clampSetting("significantFigures", o.significantFigures),
    theme,
    chartScale,
    chartLog,
  };
}

/** What `loadSettings` and `saveSettings` need of localStorage. */
export type SettingsStorage = Pick<Storage, "getItem" | "setItem">;

/** Stored settings, or the defaults when there are none, they do not parse, or storage is unavailable. */
export function loadSettings(storage: SettingsStorage | null): Settings {
  try {
    const text = storage?.getItem(STORAGE_KEY);
    return sanitizeSettings(text ? JSON.parse(text) : null);
  } catch {
    return { ...DEFAULT_SETTINGS };
  }
}

/** Stores `settings`; false when storage is unavailable or full (the settings then last for this page only). */
export function saveSettings(storage: SettingsStorage | null, settings: Settings): boolean {
  if (!storage) return false;
  try {
    storage.setItem(STORAGE_KEY, JSON.stringify(sanitizeSettings(settings)));
    return true;
  } catch {
    return false;
  }
}
