import type { CliContext } from './main.js';
import { reportError } from './report-error.js';

/**
 * `mqtt-classroom device --config <file>` without the rest of the CLI: the entry of
 * the device bundle (`dist/device-bundle/device.mjs`, built by scripts/build-device.mjs),
 * which bin/mqtt-classroom.js tries first. Loading commander and every other
 * command's option table costs the Pi's agent ~3 MB it keeps for its whole life
 * (docs/performance.md, "Issue 17 round 3: agent memory").
 *
 * Only the plain forms are handled here; anything else (`device --help`, an
 * unknown option, a missing --config) answers `null` and the full CLI parses it,
 * so its help and its errors stay the ones commander prints.
 */
export function deviceConfigArgument(argv: readonly string[]): string | null {
  if (argv[0] !== 'device') return null;
  const rest = argv.slice(1);
  if (rest.length === 2 && (rest[0] === '--config' || rest[0] === '-c') && !rest[1]!.startsWith('-')) return rest[1]!;
  if (rest.length === 1 && rest[0]!.startsWith('--config=') && rest[0]!.length > '--config='.length) return rest[0]!.slice('--config='.length);
  return null;
}

/** Runs the agent and returns the exit code, or `null`: not a form this entry handles. */
export async function runDeviceEntry(argv: readonly string[], ctx: CliContext): Promise<number | null> {
  const config = deviceConfigArgument(argv);
  if (config === null) return null;
  try {
    const { runDevice } = await import('./commands/device.js');
    await runDevice({ config }, ctx);
    return 0;
  } catch (error) {
    return reportError(error, ctx.stderr);
  }
}
