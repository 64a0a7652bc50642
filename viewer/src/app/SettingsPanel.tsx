/** The settings dialog: every change applies at once and is saved (settings-store.ts). */
import { Dialog } from "./Dialog";
import { formatNumber } from "./format-number";
import { DEFAULT_SETTINGS, LIMITS, THEMES, type Settings, type Theme } from "./settings";
import { updateSettings, useSettings } from "./settings-store";

type NumericKey = Exclude<keyof Settings, "theme" | "chartScale" | "chartLog">;

function NumberSetting({ name, label, unit, value }: { name: NumericKey; label: string; unit?: string; value: number }) {
  const [min, max] = LIMITS[name];
  const set = (e: Event) => {
    const v = (e.currentTarget as HTMLInputElement).valueAsNumber;
    if (Number.isFinite(v)) updateSettings({ [name]: v });
  };
  return (
    <label class="setting">
      <span class="setting-label">{label}</span>
      <input type="range" min={min} max={max} step={1} value={value} onInput={set} aria-label={label} />
      <input type="number" min={min} max={max} step={1} value={value} onChange={set} data-testid={`setting-${name}`} aria-label={`${label} (number)`} />
      {unit && <span class="setting-unit">{unit}</span>}
    </label>
  );
}

const THEME_LABELS: { [t in Theme]: string } = { system: "Follow the system", light: "Light", dark: "Dark" };

export function SettingsPanel({ onClose }: { onClose: () => void }) {
  const s = useSettings();
  return (
    <Dialog title="Settings" onClose={onClose} testId="settings">
      <div class="settings-grid">
        <NumberSetting name="imagesPerRow" label="Images per unit row" value={s.imagesPerRow} />
        <NumberSetting name="smallImageSize" label="Small image size" unit="px" value={s.smallImageSize} />
        <NumberSetting name="largeImageSize" label="Large image size" unit="px" value={s.largeImageSize} />
        <NumberSetting name="significantFigures" label="Significant figures" value={s.significantFigures} />
        <label class="setting">
          <span class="setting-label">Theme</span>
          <select data-testid="setting-theme" value={s.theme} onChange={(e) => updateSettings({ theme: e.currentTarget.value as Theme })}>
            {THEMES.map((t) => (
              <option key={t} value={t}>
                {THEME_LABELS[t]}
              </option>
            ))}
          </select>
        </label>
      </div>
      <p class="note">
        Example: π is shown as <span data-testid="settings-example">{formatNumber(Math.PI, s.significantFigures)}</span>. Settings are kept in this
        browser.
      </p>
      <div class="dialog-actions">
        <button type="button" class="button" onClick={() => updateSettings({ ...DEFAULT_SETTINGS })}>
          Reset to defaults
        </button>
        <button type="button" class="button" onClick={onClose}>
          Done
        </button>
      </div>
    </Dialog>
  );
}
