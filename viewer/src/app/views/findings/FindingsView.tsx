/**
 * The Findings page, `#/findings/<layer>` (the landing view): for each file of the Lead's model, why
 * the model fails on each shifted dataset, as short sentences with their numbers (the JSON of
 * deephys.findings, computed in the worker by worker/methods/findings.ts), each linking to the view
 * that shows it. The accuracies, classes and confusion cells come first (from the tables); the units
 * behind each confusion (attribution through the stored readout) and the shift scores follow.
 */
import "../analysis.css";
import "./findings.css";
import { useApp } from "../../context";
import { FileFindings } from "./FileFindings";

export function FindingsView() {
  const { group } = useApp();
  return (
    <main class="view findings-view" data-testid="findings-view">
      <div class="view-header">
        <h1>Findings</h1>
        <p class="note">
          Why the model fails on each shifted (OOD) dataset, against the reference: the first ID dataset of its file. The same numbers as{" "}
          <code>deephys report FILE</code>.
        </p>
      </div>
      {group.files.map((f) => (
        <FileFindings key={f.fileId} file={f} />
      ))}
    </main>
  );
}
