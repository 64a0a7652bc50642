/** Gives the page the output of `deephys compare A B --format json` (a JSON file), checked against the two files. */
import { useState } from "preact/hooks";
import type { RunInfo } from "../../../format/info";
import { parsePythonMatching, setPythonMatching, usePythonMatching } from "./python-matching";

export function PythonMatchingInput({ a, b }: { a: RunInfo; b: RunInfo }) {
  const given = usePythonMatching(a, b);
  const [problem, setProblem] = useState<string | null>(null);
  const load = async (file: File | undefined) => {
    if (!file) return;
    try {
      setPythonMatching(a, b, parsePythonMatching(await file.text(), file.name, a, b));
      setProblem(null);
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
    }
  };
  return (
    <div class="python-matching">
      <label class="button small" title={`The JSON of: deephys compare ${a.name} ${b.name} --format json -o compare.json`}>
        {given ? "Load another deephys compare output" : "Load deephys compare output…"}
        <input type="file" accept=".json,application/json" class="visually-hidden" data-testid="compare-json-input" onChange={(e) => void load(e.currentTarget.files?.[0])} />
      </label>
      {given && (
        <button type="button" class="button small" data-testid="compare-json-forget" onClick={() => setPythonMatching(a, b, null)}>
          Compute here instead
        </button>
      )}
      {problem && (
        <p class="error-text" role="alert" data-testid="compare-json-problem">
          {problem}
        </p>
      )}
    </div>
  );
}
