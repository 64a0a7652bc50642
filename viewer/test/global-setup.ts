/** The test files are committed (test/fixtures): no Python needed, only a check that they are there. */
import { existsSync } from "node:fs";
import { FIXTURES_DIR } from "./paths";

const FILES = ["small.deephys", "dtypes.deephys", "appended.deephys", "expected.json"];

export default function setup(): void {
  const missing = FILES.filter((name) => !existsSync(`${FIXTURES_DIR}/${name}`));
  if (missing.length > 0) {
    throw new Error(`missing test files in ${FIXTURES_DIR}: ${missing.join(", ")}; \`npm run fixtures\` writes them`);
  }
}
