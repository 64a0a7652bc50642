/** PNG download of a dataset image: a safe file name, re-encoding JPEG/WebP through a canvas, the download itself. */

const MAX_NAME = 80;

/**
 * `<dataset>-<index>.png` with the dataset name reduced to letters, digits, `.`, `_` and `-`
 * (anything else becomes `_`), no leading dots or dashes, and at most 80 characters.
 */
export function pngFileName(dataset: string, index: number): string {
  let base = dataset
    .normalize("NFC")
    .replace(/[^\p{L}\p{N}._-]+/gu, "_")
    .replace(/_+/g, "_")
    .replace(/^[._-]+|[._-]+$/g, "");
  base = Array.from(base).slice(0, MAX_NAME).join("").replace(/[._-]+$/, "");
  const n = Number.isSafeInteger(index) && index >= 0 ? String(index) : "0";
  return `${base || "image"}-${n}.png`;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** True when `bytes` start with the PNG signature. */
export function isPng(bytes: Uint8Array): boolean {
  return PNG_SIGNATURE.every((b, i) => bytes[i] === b);
}

/** The image as a PNG: PNG data is kept as is; JPEG or WebP is decoded and re-encoded, pixels untouched. */
export async function toPng(image: Blob): Promise<Blob> {
  if (isPng(new Uint8Array(await image.slice(0, 8).arrayBuffer()))) return image.type === "image/png" ? image : new Blob([image], { type: "image/png" });
  const bitmap = await createImageBitmap(image, { colorSpaceConversion: "none", premultiplyAlpha: "none" });
  try {
    const canvas = document.createElement("canvas");
    canvas.width = bitmap.width;
    canvas.height = bitmap.height;
    const context = canvas.getContext("2d");
    if (!context) throw new Error("this browser cannot draw the image for PNG conversion");
    context.drawImage(bitmap, 0, 0);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob((png) => (png ? resolve(png) : reject(new Error("the browser could not encode the PNG"))), "image/png"),
    );
  } finally {
    bitmap.close();
  }
}

/** Saves `blob` as a download called `name`. */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.rel = "noopener";
  a.style.display = "none";
  document.body.append(a);
  a.click();
  a.remove();
  // Revoking at once can cancel the download in some browsers.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
