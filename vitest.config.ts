import { defineConfig } from 'vitest/config';

/**
 * One command runs everything: pure unit tests once, and every database-backed
 * test (`*.db.test.ts`, `*.api.test.ts`) and browser test (`*.e2e.test.ts`) once on
 * SQLite and once on PostgreSQL (WASPHERE_TEST_DATABASE_URL, default the local server).
 */
const DB_TESTS = ['src/**/*.db.test.ts', 'src/**/*.api.test.ts', 'test/**/*.db.test.ts', 'test/**/*.api.test.ts'];
const E2E_TESTS = ['test/e2e/**/*.e2e.test.ts'];

const shared = { testTimeout: 30_000, hookTimeout: 60_000, env: { TZ: 'UTC' } };

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          ...shared,
          name: 'unit',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: [...DB_TESTS, ...E2E_TESTS, '**/node_modules/**'],
        },
      },
      { test: { ...shared, name: 'sqlite', include: DB_TESTS, env: { ...shared.env, WASPHERE_TEST_DIALECT: 'sqlite' } } },
      { test: { ...shared, name: 'postgres', include: DB_TESTS, env: { ...shared.env, WASPHERE_TEST_DIALECT: 'postgres' } } },
      {
        test: {
          ...shared,
          name: 'e2e-sqlite',
          include: E2E_TESTS,
          testTimeout: 60_000,
          fileParallelism: false,
          env: { ...shared.env, WASPHERE_TEST_DIALECT: 'sqlite' },
        },
      },
      {
        test: {
          ...shared,
          name: 'e2e-postgres',
          include: E2E_TESTS,
          testTimeout: 60_000,
          fileParallelism: false,
          env: { ...shared.env, WASPHERE_TEST_DIALECT: 'postgres' },
        },
      },
    ],
  },
});
