import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = path.dirname(fileURLToPath(import.meta.url));
// Creates (once per set of migrations) the migrated template database that each test file clones.
const databaseSetup = "./tests/helpers/global-setup.ts";

export default defineConfig({
  resolve: {
    alias: { "~": path.join(root, "app") },
  },
  test: {
    pool: "forks",
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["app/**/*.test.{ts,tsx}", "workers/**/*.test.ts"],
          environment: "node",
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          globalSetup: [databaseSetup],
          testTimeout: 20_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: "e2e",
          include: ["tests/e2e/**/*.test.ts"],
          globalSetup: [databaseSetup],
          testTimeout: 60_000,
          hookTimeout: 90_000,
          // One browser + app server at a time on a 2-core machine, and after unit/integration have finished.
          fileParallelism: false,
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
