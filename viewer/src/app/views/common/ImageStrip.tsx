/**
 * Thumbnails of an image list (most confident first), each with its true and
 * predicted class and confidence; a click opens the image view, hovering
 * previews it, right click offers the PNG download (ImageCell).
 */
import type { ImageList } from "../../../worker/methods/analysis";
import type { Column } from "../../columns";
import { Probability } from "./Probability";
import { probabilityText } from "./values";
import { ImageCell } from "../../ImageCell";
import { useSettings } from "../../settings-store";

interface Props {
  column: Column;
  list: ImageList;
  /** How many to show (at most what the list holds). */
  show: number;
  testId?: string;
}

export function ImageStrip({ column, list, show, testId }: Props) {
  const { smallImageSize } = useSettings();
  const classes = column.run.model.classes;
  const n = Math.min(show, list.indices.length);
  if (list.total === 0) return <p class="status">None.</p>;
  return (
    <div class="image-grid" data-testid={testId} style={{ gridTemplateColumns: `repeat(auto-fill, minmax(${smallImageSize + 8}px, 1fr))` }}>
      {Array.from(list.indices.subarray(0, n), (index, k) => {
        const truth = classes[list.labels[k]] ?? `class ${list.labels[k]}`;
        const predicted = classes[list.predictions[k]] ?? `class ${list.predictions[k]}`;
        const confidence = probabilityText(list.confidences[k]);
        return (
          <ImageCell key={index} column={column} index={index} size={smallImageSize} lines={[`true: ${truth}`, `predicted: ${predicted} (${confidence})`]}>
            <span class="caption class-name">{truth}</span>
            <span class="caption value">
              → <span class="class-name">{predicted}</span> <Probability value={list.confidences[k]} />
            </span>
          </ImageCell>
        );
      })}
    </div>
  );
}
