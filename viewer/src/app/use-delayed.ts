/**
 * `flag`, but turned on only once it has stayed on for `delayMs` (and off at once). A view dims
 * its content with it while a load takes long: a fast switch then changes no style at all, so
 * the frame before its data arrives paints nothing (an `[aria-busy]` selector would restyle and
 * repaint the whole content twice per switch).
 */
import { useEffect, useState } from "preact/hooks";

export function useDelayedFlag(flag: boolean, delayMs: number): boolean {
  const [late, setLate] = useState(false);
  useEffect(() => {
    if (!flag) {
      setLate(false);
      return;
    }
    const timer = setTimeout(() => setLate(true), delayMs);
    return () => clearTimeout(timer);
  }, [flag, delayMs]);
  return flag && late;
}
