/** The findings of one file: its reference, its readout (or how to get one), then one section per shifted dataset. */
import type { DatasetFindings, FindingConfusion, Findings, FindingUnit } from "../../../worker/methods/findings";
import { FIT_READOUT_COMMAND } from "../../../worker/methods/findings";
import type { OpenFile } from "../../columns";
import { useApp } from "../../context";
import { useLayoutEffect, useState } from "preact/hooks";
import { afterNextPaint } from "../../after-paint";
import { useLatestAsync } from "../../use-latest";
import { ProblemText } from "../common/AsyncView";
import { cellHref, classHref, columnNamed, pairHref, unitHref, type LinkContext } from "./links";
import { count, fixed, percent, unitName } from "./text";

/** Drivers named in a confusion's sentence (python/deephys/findings.py render). */
const NAMED_DRIVERS = 2;
/** A driver's spurious score from which the sentence says it is tuned to what the shift changed. */
const SPURIOUS_SAYS = 0.5;
/** Most shifted units named in a dataset's sentence. */
const NAMED_SHIFTED = 5;

export function FileFindings({ file }: { file: OpenFile }) {
  const { api } = useApp();
  // The tables' part first (quick, whatever the file's size: the first view), then everything,
  // asked once the first is painted, so that it neither slows it down nor reads anything before it.
  const quick = useLatestAsync(() => api.findings(file.fileId, "tables"), [api, file.fileId]);
  const [shown, setShown] = useState(false);
  useLayoutEffect(() => (quick.value !== undefined && !shown ? afterNextPaint(() => setShown(true)) : undefined), [quick.value, shown]);
  const complete = useLatestAsync(() => (shown ? api.findings(file.fileId, "all") : Promise.resolve(null)), [api, file.fileId, shown]);
  const full = { ...complete, value: complete.value ?? undefined, pending: complete.pending || (!shown && !quick.failed) };
  const result = full.value ?? quick.value;
  const busy = quick.pending || full.pending;
  return (
    <section
      class="panel file-findings"
      data-testid="file-findings"
      data-file={file.info.name}
      data-phase={full.value ? "all" : quick.value ? "tables" : "none"}
      aria-busy={busy}
    >
      <h2>{file.info.name}</h2>
      {quick.failed && <ProblemText error={quick.error} />}
      {result && <FindingsBody result={result} file={file} />}
      {!result && !quick.failed && <p class="status">Reading the tables…</p>}
      {result && full.pending && (
        <p class="status" data-testid="attributing">
          {result.readout.source ? "Attributing the confusions to units and computing the shift scores…" : "Computing the shift scores…"}
        </p>
      )}
      {full.failed && !quick.failed && <ProblemText error={full.error} />}
    </section>
  );
}

function FindingsBody({ result, file }: { result: Findings; file: OpenFile }) {
  const { group } = useApp();
  const reference = result.id_dataset === null ? undefined : columnNamed(group, file.fileId, result.id_dataset);
  return (
    <>
      {result.problems.map((problem) => (
        <p key={problem} class="finding-problem" data-testid="finding-problem">
          {capitalized(problem)}. {advice(problem)}
        </p>
      ))}
      {reference && (
        <p class="finding" data-testid="finding-reference">
          Reference: <span class="dataset-name">{reference.id}</span> (ID), accuracy {percent(result.datasets[0]?.id_accuracy ?? null)}.
        </p>
      )}
      <ReadoutNote result={result} file={file} />
      {reference &&
        result.datasets.map((d) => {
          const shift = columnNamed(group, file.fileId, d.name);
          return shift ? <DatasetSection key={d.name} findings={d} reference={reference} shift={shift} readoutLayer={result.readout.layer} /> : null;
        })}
    </>
  );
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** What to do about a problem the findings name. */
function advice(problem: string): string {
  if (problem.includes("no ID dataset")) return "Export the training distribution as a dataset with role \"id\" (or add one to this file) to compare the others with it.";
  if (problem.includes("no OOD dataset")) return "Add a dataset with role \"ood\" to this file, or open a file that has one.";
  return "";
}

function ReadoutNote({ result, file }: { result: Findings; file: OpenFile }) {
  const { readout } = result;
  if (readout.source === "file") {
    const stored = file.info.readout;
    return (
      <p class="note" data-testid="readout-note">
        Units attributed through the file's readout of layer {readout.layer} ({stored?.source === "fit" ? `fitted by least squares, largest error ${fixed(readout.residual)} logits` : "the classifier's own weights"}).
      </p>
    );
  }
  const command = FIT_READOUT_COMMAND.replace("FILE", file.info.name);
  return (
    <p class="note readout-missing" data-testid="readout-missing">
      No unit attribution: this file has no readout (the classifier as a linear map of a recorded layer). Store one with{" "}
      <code class="banner-command">{command}</code> and open the file again.
    </p>
  );
}

function DatasetSection({
  findings: d,
  reference,
  shift,
  readoutLayer,
}: {
  findings: DatasetFindings;
  reference: LinkContext["reference"];
  shift: LinkContext["shift"];
  readoutLayer: string | null;
}) {
  const { route, columns, layer } = useApp();
  const x: LinkContext = { route, shown: columns, shift, reference, layer: readoutLayer ?? layer.name };
  const falls = (d.accuracy ?? 0) <= (d.id_accuracy ?? 0);
  return (
    <section class="dataset-findings" data-testid="dataset-findings" data-dataset={d.name} data-accuracy={d.accuracy ?? ""}>
      <h3 class="finding">
        Under <span class="dataset-name">{shift.id}</span>{" "}
        {falls ? (
          <>
            accuracy falls from {percent(d.id_accuracy)} to {percent(d.accuracy)} ({count(d.images)} images).
          </>
        ) : (
          <>
            accuracy is {percent(d.accuracy)} (ID {percent(d.id_accuracy)}).
          </>
        )}
      </h3>
      <ul class="findings-list">
        {d.classes.length > 0 && (
          <li data-testid="losing-classes">
            Classes that lose most:{" "}
            {d.classes.map((c, i) => (
              <span key={c.index}>
                {i > 0 && ", "}
                <a class="class-link" data-testid="class-link" data-class={c.index} href={classHref(x, c.index)}>
                  <span class="class-name">{c.class}</span>
                </a>{" "}
                ({percent(c.id_accuracy)} → {percent(c.accuracy)})
              </span>
            ))}
            .
          </li>
        )}
        {d.confusions.map((c) => (
          <ConfusionFinding key={`${c.true_index}/${c.predicted_index}`} cell={c} x={x} />
        ))}
        {d.shifted_units.length > 0 && (
          <li data-testid="shifted-units">
            Most shifted units (spurious score):{" "}
            {d.shifted_units.slice(0, NAMED_SHIFTED).map((u, i) => (
              <span key={unitName(u.layer, u.unit)}>
                {i > 0 && ", "}
                <a class="unit-link" data-testid="shifted-unit-link" data-unit={unitName(u.layer, u.unit)} href={unitHref(x, u.layer, u.unit)}>
                  {unitName(u.layer, u.unit)}
                </a>{" "}
                ({fixed(u.spurious)})
              </span>
            ))}
            .
          </li>
        )}
      </ul>
    </section>
  );
}

function ConfusionFinding({ cell: c, x }: { cell: FindingConfusion; x: LinkContext }) {
  const drivers = c.units.slice(0, NAMED_DRIVERS);
  const spurious = drivers.map((u) => u.spurious).filter((s): s is number => s !== null);
  const most = spurious.length ? Math.max(...spurious) : null;
  return (
    <li class="confusion-finding" data-testid="confusion-finding" data-true={c.true_index} data-predicted={c.predicted_index} data-rate={c.rate ?? ""} data-images={c.images}>
      <span data-testid="sentence">
        {percent(c.rate)} of the <span class="class-name">{c.true}</span> images are read as <span class="class-name">{c.predicted}</span> (ID {percent(c.id_rate)};{" "}
        {count(c.images)} images)
        {drivers.length > 0 && (
          <>
            : units{" "}
            {drivers.map((u, i) => (
              <span key={u.unit}>
                {i > 0 && " and "}
                <UnitLink unit={u} x={x} />
              </span>
            ))}{" "}
            drive it{most !== null && most >= SPURIOUS_SAYS ? `, tuned to what the shift changed (spurious ${fixed(most)})` : ""}
          </>
        )}
        .
      </span>{" "}
      <span class="finding-links">
        <a class="finding-action" data-testid="cell-link" href={cellHref(x, c.true_index, c.predicted_index)}>
          images
        </a>
        <a class="finding-action" data-testid="pair-link" href={pairHref(x, c.true_index, c.predicted_index)}>
          pair view
        </a>
      </span>
      {c.units.length > 0 && <CellUnits units={c.units} x={x} />}
    </li>
  );
}

function UnitLink({ unit: u, x }: { unit: FindingUnit; x: LinkContext }) {
  return (
    <a class="unit-link" data-testid="unit-link" data-unit={unitName(u.layer, u.unit)} href={unitHref(x, u.layer, u.unit)}>
      {unitName(u.layer, u.unit)}
    </a>
  );
}

/** Every unit found for a confusion, with its numbers. */
function CellUnits({ units, x }: { units: FindingUnit[]; x: LinkContext }) {
  return (
    <details class="cell-units" data-testid="cell-units">
      <summary>The {units.length} units that drive it</summary>
      <table class="data-table">
        <thead>
          <tr>
            <th scope="col">Unit</th>
            <th scope="col" class="num" title="Mean over the cell's images of (W[p, i] - W[t, i]) a_i: what the unit adds to the wrong class's margin">
              Contribution
            </th>
            <th scope="col" class="num" title="The same mean over the reference's images of the true class">
              In the reference
            </th>
            <th scope="col" class="num">
              Spurious
            </th>
            <th scope="col" class="num">
              Novelty
            </th>
          </tr>
        </thead>
        <tbody>
          {units.map((u) => (
            <tr key={u.unit} data-unit={unitName(u.layer, u.unit)}>
              <th scope="row">
                <UnitLink unit={u} x={x} />
              </th>
              <td class="num" data-value={u.contribution ?? ""}>
                {fixed(u.contribution, 3)}
              </td>
              <td class="num" data-value={u.id_contribution ?? ""}>
                {fixed(u.id_contribution, 3)}
              </td>
              <td class="num">{fixed(u.spurious)}</td>
              <td class="num">{fixed(u.novelty)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
