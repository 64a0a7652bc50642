/** The images of one confusion cell, most confident first, brought into view once they are there. */
import { useEffect, useRef } from "preact/hooks";
import type { Column } from "../../columns";
import { useApp } from "../../context";
import { useAsync } from "../../use-async";
import { AsyncView } from "../common/AsyncView";
import { ImageStrip } from "../common/ImageStrip";

const LIMIT = 60;

export function CellImages({ column, t, p, onClose }: { column: Column; t: number; p: number; onClose: () => void }) {
  const { api } = useApp();
  const classes = column.run.model.classes;
  const state = useAsync(() => api.confusionCell({ fileId: column.fileId, dataset: column.dataset }, t, p, LIMIT), [api, column.id, t, p]);
  const box = useRef<HTMLElement>(null);
  const done = state.status !== "loading";
  useEffect(() => {
    if (done) box.current?.scrollIntoView({ block: "nearest" });
  }, [done]);
  return (
    <section ref={box} class="cell-images" data-testid="cell-images" data-t={t} data-p={p} data-ready={done ? "" : undefined}>
      <div class="section-head">
        <h3>
          True <span class="class-name">{classes[t]}</span>, predicted <span class="class-name">{classes[p]}</span>
          {state.status === "done" && <span class="count"> ({state.value.total})</span>}
        </h3>
        <button type="button" class="button small" aria-label="Close the image list" onClick={onClose}>
          ×
        </button>
      </div>
      <AsyncView state={state}>
        {(list) => (
          <>
            {list.total > list.indices.length && <p class="meta">The {list.indices.length} most confident of {list.total}.</p>}
            <ImageStrip column={column} list={list} show={LIMIT} testId="cell-images-grid" />
          </>
        )}
      </AsyncView>
    </section>
  );
}
