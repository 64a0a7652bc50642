import { fileURLToPath } from "node:url";

export const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url)).replace(/\/$/, "");
/** The committed test files of test/fixtures/make_fixtures.py (`npm run fixtures` refreshes them). */
export const FIXTURES_DIR = `${REPO_ROOT}/viewer/test/fixtures`;
/** Files the browser tests write (ignored by git). */
export const SCRATCH_DIR = `${REPO_ROOT}/viewer/test/.fixtures`;
export const PYTHON = process.env.DEEPHYS_PYTHON ?? `${REPO_ROOT}/.venv/bin/python`;
