/**
 * Course compatibility (SPEC §4): the original course's static vote page publishes
 * a bare option id on `test/phone`. With `?topic=test/phone&options=...` (or the
 * server's VOTE_TOPIC) the results page counts those votes itself, with the shared
 * reducer, as long as no tally snapshot exists; once the server counts them into an
 * open poll, the kiosk shows the server's snapshot.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { canRun, findBinary } from '../harness/system-deps.js';
import { createOpenPoll, installFrameProbe, openPage, readFrameProbe, useWebHub, waitConnected, waitKioskCounts } from './helpers.js';

const COURSES = ['IFT1215', 'MAT1400', 'IFT1065', 'MAT1600'];

describe.skipIf(!canRun('chromium'))('raw plain-text votes counted by the results page', { timeout: 90_000 }, () => {
  const rig = useWebHub({ env: { VOTE_TOPIC: 'test/phone' }, publisher: true });

  /** What the course's static page (or `mosquitto_pub -t test/phone -m IFT1215`) sends. */
  async function plainVote(option: string): Promise<void> {
    const mosquittoPub = findBinary('mosquitto_pub');
    if (mosquittoPub === null) {
      await rig.publisher.publishAsync('test/phone', option, { qos: 1 });
      return;
    }
    // Asynchronous: the broker lives in this process and must keep answering.
    await promisify(execFile)(mosquittoPub, ['-h', '127.0.0.1', '-p', String(rig.hub.server.mqttPort), '-q', '1', '-t', 'test/phone', '-m', option], {
      timeout: 10_000,
    });
  }

  it('counts votes on the server VOTE_TOPIC itself, one bar per option seen, when no poll is open', async () => {
    const { page, problems } = await openPage(rig.browser, `${rig.hub.url}/kiosk`, { width: 1920, height: 1080 });
    await waitConnected(page);
    await page.locator('.question', { hasText: 'Votes sur test/phone' }).waitFor();
    await plainVote('MAT1400');
    await plainVote('IFT1215');
    await plainVote('MAT1400');
    await waitKioskCounts(page, { MAT1400: 2, IFT1215: 1 });
    expect(await page.locator('.raw-note').textContent()).toContain('comptés par cette page');
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('with ?topic= and ?options=, counts 5,000 raw votes exactly, drawing at most once per frame', async () => {
    const { page, problems } = await openPage(rig.browser, `${rig.hub.url}/kiosk?topic=test/phone&options=${COURSES.join(',')}`, { width: 1920, height: 1080 });
    await waitConnected(page);
    await waitKioskCounts(page, Object.fromEntries(COURSES.map((c) => [c, 0])));
    await plainVote('IFT1065');
    await plainVote('PHY1001'); // not an option of this page
    await waitKioskCounts(page, { IFT1215: 0, MAT1400: 0, IFT1065: 1, MAT1600: 0 });
    await page.locator('.total', { hasText: '1 refusé' }).waitFor();

    await installFrameProbe(page);
    const expected: Record<string, number> = { IFT1215: 0, MAT1400: 0, IFT1065: 1, MAT1600: 0 };
    const sent: Promise<unknown>[] = [];
    for (let i = 0; i < 5_000; i += 1) {
      const option = COURSES[(i * 5 + (i >> 3)) % 4] as string;
      expected[option] = (expected[option] ?? 0) + 1;
      sent.push(rig.publisher.publishAsync('test/phone', option, { qos: 1 }));
    }
    await Promise.all(sent);
    await waitKioskCounts(page, expected, 60_000);
    const probe = await readFrameProbe(page);
    expect(probe.batches).toBeGreaterThan(0);
    // Thousands of messages, yet the results changed at most once per frame.
    expect(probe.maxBatchesInOneFrame).toBeLessThanOrEqual(1);
    expect(probe.longestTaskMs).toBeLessThan(500);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('shows the server snapshot instead once a poll is open and the server counts the votes', async () => {
    const { page } = await openPage(rig.browser, `${rig.hub.url}/kiosk?topic=test/phone&options=${COURSES.join(',')}`, { width: 1920, height: 1080 });
    await waitConnected(page);
    await plainVote('MAT1600');
    await waitKioskCounts(page, { IFT1215: 0, MAT1400: 0, IFT1065: 0, MAT1600: 1 });

    await createOpenPoll(rig.hub, { id: 'cours', question: 'Quel cours préférez-vous ?', options: COURSES });
    await page.locator('.question', { hasText: 'Quel cours préférez-vous ?' }).waitFor();
    // The server counts from the opening: its snapshot starts at zero and wins.
    await waitKioskCounts(page, { IFT1215: 0, MAT1400: 0, IFT1065: 0, MAT1600: 0 });
    expect(await page.locator('.raw-note').isHidden()).toBe(true);
    await plainVote('IFT1215');
    await plainVote('IFT1215');
    await waitKioskCounts(page, { IFT1215: 2, MAT1400: 0, IFT1065: 0, MAT1600: 0 });
    await page.context().close();
  });
});
