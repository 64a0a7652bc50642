import { defineConfig } from "vitest/config";

// Browser tests of the built page (run `npm run e2e`, which builds first).
export default defineConfig({
  test: {
    include: ["e2e/**/*.test.ts"],
    environment: "node",
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
    // expect.poll waits for a state, like Playwright's waits (30 s); its default of 1 s is a timing bet on a loaded runner.
    expect: { poll: { timeout: 15_000 } },
  },
});
