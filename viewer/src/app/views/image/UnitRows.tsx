/** Units of the selected layer, each with its activation on this image and a row of its own top images. */
import type { UnitTopImages } from "../../../worker/methods/image";
import type { Column } from "../../columns";
import { useApp } from "../../context";
import { ImageCell } from "../../ImageCell";
import { useSettings } from "../../settings-store";
import { Value, valueText } from "../../Value";

interface Props {
  column: Column;
  units: number[];
  /** Activation of each unit on this image; null when this dataset has no such image. */
  values: Float64Array | null;
  rows: UnitTopImages;
  references: Map<number, number> | null;
}

export function UnitRows({ column, units, values, rows, references }: Props) {
  const { go, layer } = useApp();
  const { imagesPerRow, smallImageSize } = useSettings();
  const classes = column.run.model.classes;
  return (
    <ol class="unit-rows" data-testid="unit-rows">
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
            <div class="unit-row-images" style={{ gridTemplateColumns: `repeat(${imagesPerRow}, ${smallImageSize + 4}px)` }}>
              {to === from && <span class="status">no top images</span>}
              {Array.from(rows.indices.subarray(from, to), (index, j) => {
                const label = classes[rows.labels[from + j]] ?? "";
                return <ImageCell key={index} column={column} index={index} size={smallImageSize} lines={[label, `unit ${u}: ${valueText(rows.values[from + j], reference)}`]} />;
              })}
            </div>
          </li>
        );
      })}
    </ol>
  );
}
