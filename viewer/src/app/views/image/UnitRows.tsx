/** Units of the selected layer, each with its activation on this image and a row of its own top images. */
import type { UnitTopImages } from "../../../worker/methods/image";
import type { Column } from "../../columns";
import { useApp } from "../../context";
import { ImageCell } from "../../ImageCell";
import { useSettings } from "../../settings-store";
import { useWidth } from "../../use-width";
import { Value, valueText } from "../../Value";

interface Props {
  column: Column;
  units: number[];
  /** Activation of each unit on this image; null when this dataset has no such image. */
  values: Float64Array | null;
  rows: UnitTopImages;
  references: Map<number, number> | null;
}

const GAP = 4;
const MIN_SIZE = 24;

/** Thumbnail edge so that `count` of them fit in `width` (at most `size`; never below 24 px: then the row wraps). */
export function fittedSize(width: number, count: number, size: number): number {
  if (width <= 0) return size;
  return Math.max(MIN_SIZE, Math.min(size, Math.floor((width - (count - 1) * GAP) / count) - GAP));
}

export function UnitRows({ column, units, values, rows, references }: Props) {
  const { go, layer } = useApp();
  const { imagesPerRow, smallImageSize } = useSettings();
  const [list, width] = useWidth<HTMLOListElement>();
  const size = fittedSize(width, imagesPerRow, smallImageSize);
  const classes = column.run.model.classes;
  return (
    <ol ref={list} class="unit-rows" data-testid="unit-rows">
      {units.map((u, k) => {
        const reference = references?.get(u) ?? null;
        const from = rows.offsets[k];
        const to = Math.min(rows.offsets[k + 1], from + imagesPerRow);
        return (
          <li key={u} class="unit-row" data-unit={u}>
            <div class="unit-row-head">
              <button type="button" class="link-button" title={`Open unit ${u} in the neuron view`} onClick={() => go({ view: "neuron", params: [String(u)] })}>
                unit {u}
                {layer.unitLabels[u] ? ` (${layer.unitLabels[u]})` : ""}
              </button>
              {values ? <Value value={values[k]} reference={reference} testId="unit-activation" /> : <span class="value">—</span>}
            </div>
            <div class="unit-row-images" style={{ gridTemplateColumns: `repeat(auto-fill, ${size + GAP}px)`, gap: `${GAP}px 0` }}>
              {to === from && <span class="status">no top images</span>}
              {Array.from(rows.indices.subarray(from, to), (index, j) => {
                const label = classes[rows.labels[from + j]] ?? "";
                return <ImageCell key={index} column={column} index={index} size={size} lines={[label, `unit ${u}: ${valueText(rows.values[from + j], reference)}`]} />;
              })}
            </div>
          </li>
        );
      })}
    </ol>
  );
}
