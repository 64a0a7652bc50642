/** The theme in effect ("light" or "dark"): the user's setting, or the system's when it says "system". */
import { useEffect, useState } from "preact/hooks";
import { useSettings } from "./settings-store";

const DARK_QUERY = "(prefers-color-scheme: dark)";

export function useEffectiveTheme(): "light" | "dark" {
  const { theme } = useSettings();
  const [systemDark, setSystemDark] = useState(() => typeof matchMedia !== "undefined" && matchMedia(DARK_QUERY).matches);
  useEffect(() => {
    if (typeof matchMedia === "undefined") return;
    const query = matchMedia(DARK_QUERY);
    const update = () => setSystemDark(query.matches);
    update();
    query.addEventListener("change", update);
    return () => query.removeEventListener("change", update);
  }, []);
  return theme === "system" ? (systemDark ? "dark" : "light") : theme;
}

/** The value of a CSS custom property on <html> (after the theme is applied). */
export function cssVar(name: string, fallback: string): string {
  if (typeof document === "undefined") return fallback;
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}
