/** Up to 100 images that excite the unit most (from the summary: NaN, inf and zeros are not in it), best first. */
import type { UnitProfile } from "../../../worker/api";
import type { Column } from "../../columns";
import { ImageCell } from "../../ImageCell";
import { useSettings } from "../../settings-store";
import { Value, valueText } from "../../Value";

const TOP_IMAGES = 100;

export function TopImages({ column, profile, classes, reference }: { column: Column; profile: UnitProfile; classes: string[]; reference: number | null }) {
  const { smallImageSize } = useSettings();
  const count = Math.min(TOP_IMAGES, profile.topIndices.length);
  return (
    <>
      <h3>Top images ({count})</h3>
      {count === 0 ? (
        <p class="status">No image activates this unit (zero, NaN and inf are left out).</p>
      ) : (
        <div class="image-grid" data-testid="top-images" style={{ gridTemplateColumns: `repeat(auto-fill, minmax(${smallImageSize + 8}px, 1fr))` }}>
          {Array.from(profile.topIndices.subarray(0, count), (index, k) => {
            const label = classes[profile.topLabels[k]] ?? `class ${profile.topLabels[k]}`;
            const value = profile.topValues[k];
            return (
              // Keyed by rank: a new unit patches the cells in place instead of rebuilding them.
              <ImageCell key={k} column={column} index={index} size={smallImageSize} lines={[label, valueText(value, reference)]}>
                <span class="caption class-name">{label}</span>
                <span class="caption">
                  <Value value={value} reference={reference} />
                </span>
              </ImageCell>
            );
          })}
        </div>
      )}
    </>
  );
}
