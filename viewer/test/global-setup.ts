/** Writes the test files with the Python deephys.Writer before any test runs. */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { FIXTURES_DIR, PYTHON, REPO_ROOT } from "./paths";

export default function setup(): void {
  if (!existsSync(PYTHON)) {
    throw new Error(`no Python at ${PYTHON}: run \`make setup\` in the repository root, or set DEEPHYS_PYTHON`);
  }
  execFileSync(PYTHON, [`${REPO_ROOT}/viewer/test/fixtures/make_fixtures.py`, FIXTURES_DIR], {
    env: { ...process.env, PYTHONPATH: `${REPO_ROOT}/python` },
    stdio: "inherit",
  });
}
