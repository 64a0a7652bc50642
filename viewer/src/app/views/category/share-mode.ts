/** Whether false positives and negatives show as pie charts or lists; remembered in this browser. */
import { useState } from "preact/hooks";

export type ShareMode = "chart" | "list";
const KEY = "deephys.category.shares";

function stored(): ShareMode {
  try {
    return localStorage.getItem(KEY) === "list" ? "list" : "chart";
  } catch {
    return "chart"; // storage can be off (privacy settings, some file:// pages)
  }
}

export function useShareMode(): [ShareMode, (mode: ShareMode) => void] {
  const [mode, setMode] = useState<ShareMode>(stored);
  const set = (m: ShareMode) => {
    setMode(m);
    try {
      localStorage.setItem(KEY, m);
    } catch {
      /* not remembered, still applied */
    }
  };
  return [mode, set];
}
