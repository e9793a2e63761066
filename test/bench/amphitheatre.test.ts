import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amphitheatre, burstRows } from '../../bench/amphitheatre.js';
import { type Entry, bundleEntries } from '../../bench/lib/children.js';
import { type BenchHub, startHub } from '../../bench/lib/hub.js';

/**
 * The amphitheatre bench's smallest run: it produces its figures, and the property
 * it exists to show holds at any size (every vote acknowledged and counted once,
 * the tally exactly what the phones voted). No time is asserted.
 */
describe('bench/amphitheatre.ts', () => {
  let entries: Record<Entry, string>;
  let hub: BenchHub;
  let webRoot: string;
  beforeAll(async () => {
    // The phones do not load pages: an empty web root will do.
    webRoot = mkdtempSync(join(tmpdir(), 'mqtt-classroom-bench-web-'));
    entries = await bundleEntries();
    hub = await startHub(entries, webRoot, { name: 'embedded', url: null, wsUrl: null });
  }, 60_000);
  afterAll(async () => {
    await hub?.stop();
    rmSync(webRoot, { recursive: true, force: true });
  });

  it('30 phones over WebSocket, each voting once: every receipt back, nothing lost or counted twice, figures printed', async () => {
    const result = await amphitheatre(entries, hub, 30);
    expect(result.report.voted).toBe(30);
    expect(result.receipts.p50).toBeGreaterThanOrEqual(0);
    expect({ lost: result.lost, twice: result.twice, exact: result.exact, total: result.tally.total }).toEqual({ lost: 0, twice: 0, exact: true, total: 30 });
    const rows = burstRows('embedded', result);
    expect(rows.map((r) => r.benchmark)).toEqual(['amphitheatre: connect', 'amphitheatre: vote -> receipt']);
    for (const row of rows) expect(row.figure).not.toContain('n/a');
  }, 60_000);
});
