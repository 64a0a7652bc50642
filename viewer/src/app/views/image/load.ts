/** What each dataset column of the image view shows, loaded from the worker in one go. */
import type { Remote } from "../../../worker/rpc";
import type { WorkerApi } from "../../../worker/api";
import type { WrongAnswerUnits } from "../../../worker/methods/findings";
import type { ImageDetail, UnitTopImages } from "../../../worker/methods/image";
import { layerIndex, type Column } from "../../columns";
import { normalizerRef } from "../common/refs";

/** Units listed per image (the original's 25) and the most top images kept per unit row (the setting's maximum). */
const TOP_UNITS = 25;
const MAX_ROW_IMAGES = 18;
/** Units listed that pushed a wrong prediction (through the readout). */
const WRONG_ANSWER_UNITS = 10;

export interface ImageColumnData {
  column: Column;
  /** Null when this dataset has no image of this index. */
  detail: ImageDetail | null;
  /** Why the units are missing (e.g. no such layer), or null. */
  unitsMissing: string | null;
  /** The units listed (the Lead's, those this column's layer has), their activation on this image (null without the image) and top images. */
  units: number[];
  values: Float64Array | null;
  rows: UnitTopImages | null;
  /** Why this column could not be read (shown in plain words), or null. */
  error: unknown;
  /** The Lead's image only, when it is predicted wrong and the file has a readout: the units that pushed the prediction. */
  wrong: WrongAnswerUnits | null;
}

export interface ImageViewData {
  index: number;
  layer: string;
  columns: ImageColumnData[];
  /** The Normalizer's maximum of each listed unit (by unit), or null for raw values. */
  references: Map<number, number> | null;
  /** The dataset whose maxima the units are ranked by (% of them), or null: ranked by raw activation. */
  rankedBy: Column | null;
}

async function loadColumn(api: Remote<WorkerApi>, column: Column, layer: string, index: number, units: number[], sourceValues: Float64Array | null): Promise<ImageColumnData> {
  const out: ImageColumnData = { column, detail: null, unitsMissing: null, units: [], values: null, rows: null, error: null, wrong: null };
  try {
    const hasImage = index < column.info.images;
    const li = layerIndex(column, layer);
    const detail = hasImage ? api.imageDetail(column.fileId, column.dataset, index) : Promise.resolve(null);
    if (li < 0) {
      out.unitsMissing = `This file has no layer ${layer}.`;
      out.detail = await detail;
      return out;
    }
    const count = column.run.model.layers[li].units;
    out.units = units.filter((u) => u < count);
    if (out.units.length < units.length) out.unitsMissing = `Layer ${layer} has only ${count} units here.`;
    const values = sourceValues ?? (hasImage ? api.imageUnits(column.fileId, column.dataset, li, index, out.units).then((v) => v.values) : Promise.resolve(null));
    const [d, v, rows] = await Promise.all([detail, values, api.unitTopImages(column.fileId, column.dataset, li, out.units, MAX_ROW_IMAGES)]);
    Object.assign(out, { detail: d, values: v, rows });
  } catch (error) {
    out.error = error;
  }
  return out;
}

/**
 * The `source` column's image `index`, its top units of `layer` (analysis/ranking.ts topUnits,
 * in the worker), and for every other column the same units on its own image `index`.
 */
export async function loadImageView(api: Remote<WorkerApi>, ordered: Column[], source: Column, layer: string, index: number, normalizer: Column | null): Promise<ImageViewData> {
  const li = layerIndex(source, layer);
  // Ranked by the number shown: % of the Normalizer's maximum when there is one for this layer, else the raw activation.
  const rankBy = li >= 0 ? normalizerRef(normalizer, layer, source.run.model.layers[li].units) : null;
  const top = li >= 0 && index < source.info.images ? await api.imageUnits(source.fileId, source.dataset, li, index, null, TOP_UNITS, rankBy) : null;
  const units = top ? Array.from(top.units) : [];
  const nli = normalizer ? layerIndex(normalizer, layer) : -1;
  const normalizerUnits = normalizer && nli >= 0 ? units.filter((u) => u < normalizer.run.model.layers[nli].units) : [];
  const [columns, maxima, wrong] = await Promise.all([
    Promise.all(ordered.map((c) => loadColumn(api, c, layer, index, units, c === source && top ? top.values : null))),
    normalizer && normalizerUnits.length ? api.unitMaxima(normalizer.fileId, normalizer.dataset, nli, normalizerUnits) : Promise.resolve(null),
    // A failure here leaves the rest of the view: the column says why (see ImageColumn).
    source.run.readout && index < source.info.images ? api.wrongAnswerUnits(source.fileId, source.dataset, index, WRONG_ANSWER_UNITS).catch((error: unknown) => ({ error })) : null,
  ]);
  const first = columns[0];
  if (first && wrong) {
    if ("error" in wrong) first.error ??= wrong.error;
    else first.wrong = wrong;
  }
  const references = normalizer ? new Map(normalizerUnits.map((u, k) => [u, maxima ? maxima[k] : NaN])) : null;
  return { index, layer, columns, references, rankedBy: rankBy ? normalizer : null };
}
