/** One image set of a class (false positives, false negatives, correct): the first images and their top units. */
import { useState } from "preact/hooks";
import type { ImageSet } from "../../../worker/methods/analysis";
import type { Column } from "../../columns";
import { useSettings } from "../../settings-store";
import { ImageStrip } from "../common/ImageStrip";
import { UnitList } from "../common/UnitList";

interface Props {
  column: Column;
  title: string;
  set: ImageSet;
  normalized: boolean;
  testId: string;
  /** Show the title (false when a tab already names the set). */
  heading?: boolean;
}

export function ImageSetPanel({ column, title, set, normalized, testId, heading = true }: Props) {
  const { imagesPerRow } = useSettings();
  const [show, setShow] = useState(imagesPerRow);
  const { images } = set;
  const held = images.indices.length;
  return (
    <section class="image-set" data-testid={testId} data-total={images.total}>
      {heading && (
        <h3>
          {title} <span class="count">({images.total})</span>
        </h3>
      )}
      {images.total > Math.min(show, held) && (
        <p class="meta">
          {Math.min(show, held)} of {images.total} shown{held < images.total ? ` (the ${held} most confident can be shown here)` : ""}.
        </p>
      )}
      <ImageStrip column={column} list={images} show={show} testId={`${testId}-images`} />
      {show < held && (
        <button type="button" class="button small" onClick={() => setShow((s) => s + imagesPerRow * 2)}>
          Show more
        </button>
      )}
      {set.rows > 0 && (
        <details class="set-units" open>
          <summary>
            Top units of {set.rows === 1 ? "this image" : set.rows === images.total ? `these ${set.rows} images` : `the ${set.rows} most confident images`}
          </summary>
          <UnitList ranked={set.topUnits} normalized={normalized} label={`Top units of ${title}`} testId={`${testId}-units`} />
        </details>
      )}
    </section>
  );
}
