/**
 * Work for after the next frame is painted, timed by the caller and not by Preact's useEffect.
 * Preact runs effects from one queue, flushed once per frame: the effects of a render that lands
 * while a flush is already due (a unit's numbers arriving just after the frame that showed its
 * header) run before that render is painted, and a layout read or a re-render there delays the
 * frame. Called from a layout effect (right after the render is in the DOM), `afterNextPaint`
 * waits for the frame that paints it: the animation frame callback comes just before that frame's
 * style, layout and paint, and the task it queues runs after them.
 *
 * `measure`, if given, runs in that animation frame callback: the place for layout reads that
 * change nothing. That frame lays the page out anyway (Chromium has done it by then; otherwise
 * the read only does it a moment earlier), while a read after the paint finds the layout dirty
 * again as soon as anything has changed since (a thumbnail arriving) and computes it once more.
 */
export function afterNextPaint(callback: () => void, measure?: () => void): () => void {
  let done = false;
  let frame = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const run = () => {
    if (done) return;
    done = true;
    clearTimeout(fallback);
    callback();
  };
  // A hidden tab paints no frames: the work is done anyway (unmeasured).
  const fallback = setTimeout(run, 100);
  if (typeof requestAnimationFrame === "function") {
    frame = requestAnimationFrame(() => {
      frame = 0;
      if (done) return;
      measure?.();
      timer = setTimeout(run);
    });
  }
  return () => {
    done = true;
    clearTimeout(fallback);
    clearTimeout(timer);
    if (frame && typeof cancelAnimationFrame === "function") cancelAnimationFrame(frame);
  };
}
