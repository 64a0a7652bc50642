/** The content width of an element, kept up to date with a ResizeObserver (0 until measured). */
import type { Ref } from "preact";
import { useLayoutEffect, useState } from "preact/hooks";

export function useWidth<T extends HTMLElement>(): [Ref<T>, number] {
  const [element, setElement] = useState<T | null>(null);
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    if (!element) return;
    setWidth(element.clientWidth);
    if (typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(() => setWidth(element.clientWidth));
    observer.observe(element);
    return () => observer.disconnect();
  }, [element]);
  return [setElement as unknown as Ref<T>, width];
}
