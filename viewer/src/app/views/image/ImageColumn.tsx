/** One dataset column of the image view: the image (if this dataset has that index) and the units list. */
import { useApp } from "../../context";
import { ProblemText } from "../common/AsyncView";
import { ColumnSection } from "../ColumnHeader";
import { ImageFacts } from "./ImageFacts";
import type { ImageColumnData } from "./load";
import { UnitRows } from "./UnitRows";
import { WrongAnswer } from "./WrongAnswer";

interface Props {
  data: ImageColumnData;
  isLead: boolean;
  index: number;
  references: Map<number, number> | null;
}

export function ImageColumn({ data, isLead, index, references }: Props) {
  const { layer } = useApp();
  const { column } = data;
  return (
    <ColumnSection column={column} isLead={isLead} testId="column">
      {data.error !== null && <ProblemText error={data.error} />}
      {data.detail ? (
        <ImageFacts column={column} detail={data.detail} />
      ) : (
        data.error === null && (
          <p class="status" data-testid="no-image">
            This dataset has no image {index} (it has {column.info.images.toLocaleString()}).
          </p>
        )
      )}
      {isLead && data.detail && <WrongAnswer column={column} wrong={data.wrong} predictedWrong={data.detail.label !== data.detail.prediction} />}
      <h3>{isLead ? `Top ${data.units.length} units of ${layer.name}` : `The Lead's top units of ${layer.name}, here`}</h3>
      {data.unitsMissing && <p class="status">{data.unitsMissing}</p>}
      {data.rows && <UnitRows column={column} units={data.units} values={data.values} rows={data.rows} references={references} />}
    </ColumnSection>
  );
}
