/**
 * One image set of a class (false positives, false negatives, correct, or one
 * direction of a pair): its most confident images, and the top units of the
 * first SET_UNIT_ROWS of them (asked for only when the set is shown).
 */
import { useState } from "preact/hooks";
import type { ImageList, SetUnits } from "../../../worker/methods/analysis";
import type { Column } from "../../columns";
import { useApp } from "../../context";
import { CsvButton } from "../../CsvButton";
import { useSettings } from "../../settings-store";
import { useAsync } from "../../use-async";
import { AsyncView } from "../common/AsyncView";
import { ImageStrip } from "../common/ImageStrip";
import { layerRefOf, normalizerRef, unitsOf } from "../common/refs";
import { UnitList } from "../common/UnitList";
import { CATEGORY_LIMITS, SET_UNIT_ROWS } from "./limits";

interface Props {
  column: Column;
  title: string;
  list: ImageList;
  testId: string;
  /** Show the title (false when a tab already names the set). */
  heading?: boolean;
}

export function ImageSetPanel({ column, title, list, testId, heading = true }: Props) {
  const { imagesPerRow } = useSettings();
  const [show, setShow] = useState(imagesPerRow);
  const held = list.indices.length;
  return (
    <section class="image-set" data-testid={testId} data-total={list.total}>
      {heading && (
        <h3>
          {title} <span class="count">({list.total})</span>
        </h3>
      )}
      {list.total > Math.min(show, held) && (
        <p class="meta">
          {Math.min(show, held)} of {list.total} shown{held < list.total ? ` (the ${held} most confident can be shown here)` : ""}.
        </p>
      )}
      <ImageStrip column={column} list={list} show={show} testId={`${testId}-images`} />
      {show < held && (
        <button type="button" class="button small" onClick={() => setShow((s) => s + imagesPerRow * 2)}>
          Show more
        </button>
      )}
      {list.total > 0 && (
        // A new set is a new panel: no units of the previous set while these load.
        <SetUnitsPanel key={list.indices.subarray(0, SET_UNIT_ROWS).join(",")} column={column} list={list} title={title} testId={`${testId}-units`} />
      )}
    </section>
  );
}

function SetUnitsPanel({ column, list, title, testId }: { column: Column; list: ImageList; title: string; testId: string }) {
  const { api, layer, normalizer } = useApp();
  const ref = layerRefOf(column, layer.name);
  const norm = normalizerRef(normalizer, layer.name, unitsOf(column, layer.name));
  const indices = list.indices.subarray(0, SET_UNIT_ROWS);
  const state = useAsync<SetUnits | null>(
    () => (ref ? api.imageSetUnits(ref, indices.slice(), norm, CATEGORY_LIMITS.units) : Promise.resolve(null)),
    [api, column.id, ref?.layer, indices.join(","), JSON.stringify(norm)],
  );
  const rows = indices.length;
  return (
    <details class="set-units" open>
      <summary>
        Top units of {rows === 1 ? "this image" : rows === list.total ? `these ${rows} images` : `the ${rows} most confident images`}
      </summary>
      <AsyncView state={state}>
        {(u) =>
          u && (
            <>
              <UnitList ranked={u.topUnits} normalized={u.normalized} label={`Top units of ${title}`} testId={testId} />
              <div class="table-actions">
                <span />
                <CsvButton
                  name={[column.id, layer.name, title, "top-units"]}
                  what={`the top units of ${title}`}
                  table={() => ({
                    header: ["unit", u.normalized ? "mean activation / Normalizer max" : "mean activation"],
                    rows: Array.from(u.topUnits.indices, (unit, k) => [unit, u.topUnits.values[k]]),
                  })}
                />
              </div>
            </>
          )
        }
      </AsyncView>
    </details>
  );
}
