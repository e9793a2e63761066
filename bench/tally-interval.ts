/**
 * Press to screen with snapshots every `TALLY_INTERVAL_MS=16` (one frame) instead
 * of SPEC §5's 50 ms, on a second server started for it beside the same broker,
 * each rate beside its own floor in the same run, and what the faster snapshots
 * cost: the kiosk's main thread and the server's CPU (the vote page does not
 * subscribe to tallies, so it pays nothing). docs/performance.md holds the decision.
 */
import type { Browser } from 'playwright-core';
import type { Entry } from './lib/children.js';
import { startHub } from './lib/hub.js';
import type { Row } from './lib/report.js';
import { agentStages, floorStages, stageRows } from './lib/stages.js';
import { agentToScreen, pressRow, rawToScreen } from './press-to-screen.js';

export async function intervalRows(
  browser: Browser,
  entries: Record<Entry, string>,
  webRoot: string,
  broker: { name: string; url: string | null; wsUrl: string | null },
  runs: readonly (readonly [rate: number, count: number])[],
  intervalMs: number,
): Promise<Row[]> {
  const hub = await startHub(entries, webRoot, broker, { TALLY_INTERVAL_MS: String(intervalMs) });
  const rows: Row[] = [];
  try {
    for (const [rate, count] of runs) {
      const floor = await rawToScreen(browser, hub, rate, count);
      const run = await agentToScreen(browser, hub, entries, rate, count);
      rows.push(pressRow(broker.name, rate, run, floor, intervalMs));
      rows.push(...stageRows(broker.name, rate, agentStages(run.stages), floorStages(floor.stages), `, TALLY_INTERVAL_MS=${intervalMs}`));
    }
  } finally {
    await hub.stop();
  }
  return rows;
}
