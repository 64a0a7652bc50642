/** One image set of a class (false positives, false negatives, correct): the first images and their top units. */
import { useState } from "preact/hooks";
import type { ImageSet } from "../../../worker/methods/analysis";
import type { Column } from "../../columns";
import { ImageStrip } from "../common/ImageStrip";
import { UnitList } from "../common/UnitList";

const STEP = 12;

interface Props {
  column: Column;
  title: string;
  set: ImageSet;
  normalized: boolean;
  testId: string;
}

export function ImageSetPanel({ column, title, set, normalized, testId }: Props) {
  const [show, setShow] = useState(STEP);
  const { images } = set;
  const held = images.indices.length;
  return (
    <section class="image-set" data-testid={testId} data-total={images.total}>
      <h3>
        {title} <span class="count">({images.total})</span>
      </h3>
      {images.total > 0 && <p class="meta">Most confident first{images.total > held ? `; the first ${held} of ${images.total}` : ""}.</p>}
      <ImageStrip column={column} list={images} show={show} testId={`${testId}-images`} />
      {show < held && (
        <button type="button" class="button small" onClick={() => setShow((s) => s + STEP * 2)}>
          Show more
        </button>
      )}
      {set.rows > 0 && (
        <details class="set-units" open>
          <summary>
            Top units of {set.rows === images.total ? `these ${set.rows}` : `the first ${set.rows}`} image{set.rows === 1 ? "" : "s"}
          </summary>
          <UnitList ranked={set.topUnits} normalized={normalized} label={`Top units of ${title}`} testId={`${testId}-units`} />
        </details>
      )}
    </section>
  );
}
