/** One shared IntersectionObserver: `whenVisible` calls back once an element comes near the viewport. */

const MARGIN = "300px";
const callbacks = new WeakMap<Element, () => void>();
let observer: IntersectionObserver | null = null;

function shared(): IntersectionObserver | null {
  if (typeof IntersectionObserver === "undefined") return null;
  observer ??= new IntersectionObserver(
    (entries) => {
      for (const e of entries) {
        if (!e.isIntersecting) continue;
        const callback = callbacks.get(e.target);
        callbacks.delete(e.target);
        observer?.unobserve(e.target);
        callback?.();
      }
    },
    { rootMargin: MARGIN },
  );
  return observer;
}

/** Calls `callback` once `element` is within 300px of the viewport; returns a function that cancels. */
export function whenVisible(element: Element, callback: () => void): () => void {
  const o = shared();
  if (!o) {
    callback();
    return () => undefined;
  }
  callbacks.set(element, callback);
  o.observe(element);
  return () => {
    callbacks.delete(element);
    o.unobserve(element);
  };
}
