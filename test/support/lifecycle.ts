import { afterEach, beforeEach } from 'vitest';
import { createTestApp, type TestApp } from './app.js';

/**
 * A fresh application on a fresh database for every test of the enclosing
 * `describe` (first-run rules, rate limits and the log depend on a clean install).
 * Returns a getter, since the app exists only once a test runs.
 */
export function freshAppPerTest(
  options: Parameters<typeof createTestApp>[0] | (() => Parameters<typeof createTestApp>[0]) = {},
): () => TestApp {
  let current: TestApp | undefined;
  beforeEach(async () => {
    current = await createTestApp(typeof options === 'function' ? options() : options);
  });
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  return () => {
    if (!current) throw new Error('the test app exists only while a test runs');
    return current;
  };
}
