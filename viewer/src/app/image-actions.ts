/** Actions on one dataset image. */
import type { Remote } from "../worker/rpc";
import type { WorkerApi } from "../worker/api";
import { isReport } from "../embed/report";
import type { Column } from "./columns";
import { pngFileName, saveBlob, toPng } from "./png";

/** Saves image `index` of `column` as `<dataset>-<index>.png` (re-encoded when stored as JPEG or WebP). */
export async function downloadPng(api: Remote<WorkerApi>, column: Column, index: number): Promise<void> {
  const blob = await api.image(column.fileId, column.dataset, index);
  if (!blob) throw new Error(`image ${index} of ${column.id} is not ${isReport() ? "included in this report" : "in this file"}`);
  saveBlob(await toPng(blob), pngFileName(column.info.name, index));
}
