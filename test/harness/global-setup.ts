import { missingDeps, requireSystemDeps } from './system-deps.js';

function banner(): string | null {
  const missing = missingDeps();
  if (missing.length === 0) return null;
  const lines = missing.map((m) => `!!!   ${m.dep.padEnd(18)} install with: ${m.install}`);
  return [
    '',
    '!!! ===================================================================',
    `!!! ${requireSystemDeps() ? 'FAILING' : 'SKIPPING'}: tests that need these system programs:`,
    ...lines,
    requireSystemDeps()
      ? '!!! REQUIRE_SYSTEM_DEPS=1 is set, so the tests that need them fail.'
      : '!!! Set REQUIRE_SYSTEM_DEPS=1 to turn these skips into failures (CI does).',
    '!!! ===================================================================',
    '',
  ].join('\n');
}

export function setup(): void {
  const text = banner();
  if (text !== null) process.stderr.write(text);
}

export function teardown(): void {
  // Said again at the end, where nobody can miss it under the test summary.
  const text = banner();
  if (text !== null) process.stderr.write(text);
}
