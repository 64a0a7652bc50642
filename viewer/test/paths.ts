import { fileURLToPath } from "node:url";

export const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url)).replace(/\/$/, "");
export const FIXTURES_DIR = `${REPO_ROOT}/viewer/test/.fixtures`;
export const PYTHON = process.env.DEEPHYS_PYTHON ?? `${REPO_ROOT}/.venv/bin/python`;
