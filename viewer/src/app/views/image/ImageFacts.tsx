/** One image large, with its ground truth, the prediction, the top-5 classes, metadata and a PNG download. */
import type { ImageDetail } from "../../../worker/methods/image";
import type { Column } from "../../columns";
import { useApp } from "../../context";
import { Probability } from "../common/Probability";
import { downloadPng } from "../../image-actions";
import { useSettings } from "../../settings-store";
import { Thumbnail } from "../../Thumbnail";
import { MetadataTable } from "./MetadataTable";
import { Predictions } from "./Predictions";

export function ImageFacts({ column, detail }: { column: Column; detail: ImageDetail }) {
  const { api, reportError } = useApp();
  const { largeImageSize } = useSettings();
  const classes = column.run.model.classes;
  const name = (c: number) => classes[c] ?? `class ${c}`;
  const correct = detail.label === detail.prediction;
  return (
    <div class="image-facts">
      <div class="large-image">
        {column.info.hasImages ? (
          <Thumbnail api={api} fileId={column.fileId} dataset={column.dataset} index={detail.index} alt={`image ${detail.index} of ${column.id}`} size={largeImageSize} eager fluid class="large" onError={reportError} file={column.run.name} />
        ) : (
          <div class="thumb thumb-empty" style={{ width: `${largeImageSize}px`, height: `${largeImageSize}px` }}>
            no image stored
          </div>
        )}
        {column.info.hasImages && (
          <button type="button" class="button" data-testid="download-png-button" onClick={() => downloadPng(api, column, detail.index).catch(reportError)}>
            Download PNG
          </button>
        )}
      </div>
      <div class="image-text">
        <dl class="facts">
          <dt>Image</dt>
          <dd data-testid="image-index">{detail.index}</dd>
          <dt>Ground truth</dt>
          <dd class="class-name" data-testid="ground-truth">
            {name(detail.label)}
          </dd>
          <dt>Prediction</dt>
          <dd data-testid="prediction">
            <span class="class-name">{name(detail.prediction)}</span> (<Probability value={detail.confidence} />){" "}
            <span class={correct ? "correct" : "wrong"}>{correct ? "✓ correct" : "✗ wrong"}</span>
          </dd>
        </dl>
        <h3>Top predictions</h3>
        <Predictions detail={detail} classes={classes} />
        <MetadataTable metadata={detail.metadata} />
      </div>
    </div>
  );
}
