/**
 * The live settings of this page: loaded from localStorage once, saved on every
 * change, shared with other tabs through the `storage` event. Components read
 * them with `useSettings()` and re-render when they change; the theme is applied
 * to <html data-theme> here.
 */
import { useEffect, useState } from "preact/hooks";
import { loadSettings, sanitizeSettings, saveSettings, STORAGE_KEY, type Settings, type SettingsStorage } from "./settings";

function storage(): SettingsStorage | null {
  try {
    return typeof localStorage === "undefined" ? null : localStorage;
  } catch {
    return null; // e.g. storage disabled for file:// pages
  }
}

let current: Settings = loadSettings(storage());
const listeners = new Set<(settings: Settings) => void>();

function applyTheme(settings: Settings): void {
  if (typeof document === "undefined") return;
  const root = document.documentElement;
  if (settings.theme === "system") delete root.dataset.theme;
  else root.dataset.theme = settings.theme;
}

function publish(next: Settings): void {
  current = next;
  applyTheme(current);
  for (const listener of listeners) listener(current);
}

/** The settings now (outside components; components use `useSettings`). */
export function getSettings(): Settings {
  return current;
}

/** Changes some settings, saves them and tells every subscriber. */
export function updateSettings(change: Partial<Settings>): void {
  const next = sanitizeSettings({ ...current, ...change });
  saveSettings(storage(), next);
  publish(next);
}

function subscribeSettings(listener: (settings: Settings) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The current settings; the component re-renders when they change. */
export function useSettings(): Settings {
  const [settings, setSettings] = useState(current);
  useEffect(() => {
    setSettings(current); // in case they changed between render and effect
    return subscribeSettings(setSettings);
  }, []);
  return settings;
}

applyTheme(current);
if (typeof window !== "undefined") {
  window.addEventListener("storage", (e) => {
    if (e.key === STORAGE_KEY) publish(loadSettings(storage()));
  });
}
