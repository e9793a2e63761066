/**
 * The kiosk under a stream of votes (10,000/s): frames per second it keeps
 * (requestAnimationFrame callbacks), main-thread busy time (CDP TaskDuration over
 * wall time) and JS heap at the end, beside the same page idle just before.
 * `server`: votes go to the server, the kiosk draws its coalesced snapshots (the
 * normal path). `raw`: the kiosk counts every vote itself (course compatibility).
 */
import type { MqttClient } from 'mqtt';
import type { Browser, CDPSession, Page } from 'playwright-core';
import { closeClient, connectClient } from '../test/harness/mqtt.js';
import { type BenchHub, PREFIX } from './lib/hub.js';
import { closePage, openKiosk, waitShown } from './lib/kiosk.js';

export interface PageLoad {
  fps: number;
  busy: number;
  heapMb: number;
}

export interface KioskLoadResult {
  idle: PageLoad;
  load: PageLoad;
  sentPerSecond: number;
  shownAtEnd: number;
  sent: number;
  /** From the end of the stream until the screen showed every vote sent (ms); null: not within 15 s. */
  catchUpMs: number | null;
}

const FRAMES = `(() => { window.__frames = 0; const tick = () => { window.__frames += 1; requestAnimationFrame(tick); }; requestAnimationFrame(tick); })()`;

async function measure(page: Page, cdp: CDPSession, run: () => Promise<void>): Promise<PageLoad> {
  const metric = async () => {
    const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
    return (name: string) => metrics.find((m) => m.name === name)?.value ?? Number.NaN;
  };
  // Frames over the page's own clock, read together: a slow CDP answer (a loaded
  // machine) must not count frames drawn after the stream against its duration.
  const frameClock = async () => (await page.evaluate('[window.__frames, performance.now()]')) as [number, number];
  const [frames0, pageT0] = await frameClock();
  const before = await metric();
  const t0 = performance.now();
  await run();
  const [frames1, pageT1] = await frameClock();
  const seconds = (performance.now() - t0) / 1000;
  const after = await metric();
  const frames = frames1 - frames0;
  const fps = frames / ((pageT1 - pageT0) / 1000);
  return { fps, busy: (after('TaskDuration') - before('TaskDuration')) / seconds, heapMb: after('JSHeapUsedSize') / 2 ** 20 };
}

/**
 * Publishes JSON votes (options A..D, QoS 1) on `topic` at `perSecond` for `seconds`:
 * every 10 ms it catches up with the schedule, with at most 5,000 unacknowledged.
 * Returns how many it sent.
 */
export async function publishAtRate(publisher: MqttClient, topic: string, perSecond: number, seconds: number): Promise<number> {
  let sent = 0;
  let acked = 0;
  const start = performance.now();
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const elapsed = performance.now() - start;
      if (elapsed >= seconds * 1000) {
        clearInterval(timer);
        resolve();
        return;
      }
      const due = Math.floor((elapsed / 1000) * perSecond);
      while (sent < due && sent - acked < 5_000) {
        const n = sent;
        sent += 1;
        const payload = JSON.stringify({ id: `load-${start}-${n}`, option: 'ABCD'[n % 4], voter: `box-${n % 30}`, source: 'button', ts: Date.now() });
        publisher.publish(topic, payload, { qos: 1 }, () => (acked += 1));
      }
    }, 10);
  });
  return sent;
}

export async function kioskLoad(browser: Browser, hub: BenchHub, mode: 'server' | 'raw', perSecond: number, seconds: number): Promise<KioskLoadResult> {
  const pollId = mode === 'server' ? await hub.openPoll('kiosk-load') : 'none';
  const topic = mode === 'server' ? `${PREFIX}/votes/${pollId}` : `${PREFIX}/chat/kiosk-load-${Date.now()}`;
  const url = mode === 'server' ? `${hub.httpUrl}/kiosk?poll=${pollId}` : `${hub.httpUrl}/kiosk?poll=none&topic=${encodeURIComponent(topic)}&options=A,B,C,D`;
  let page: Page | null = null;
  const publisher = await connectClient(hub.mqttUrl, { clean: true });
  try {
    page = await openKiosk(browser, url, 4);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    await page.evaluate(FRAMES);
    const idle = await measure(page, cdp, () => new Promise((r) => setTimeout(r, 1_000)));
    let sent = 0;
    let endedAt = 0;
    const load = await measure(page, cdp, async () => {
      sent = await publishAtRate(publisher, topic, perSecond, seconds);
      endedAt = Date.now();
    });
    const shownAtEnd = (await page.evaluate('window.__shown.at(-1)?.[0] ?? 0')) as number;
    // How far behind the screen was: when it showed them all (the probe's wall clock is Node's).
    const all = (await waitShown(page, sent, 15_000)).find(([total]) => total >= sent);
    const catchUpMs = all === undefined ? null : Math.max(0, all[1] - endedAt);
    return { idle, load, sentPerSecond: sent / seconds, shownAtEnd, sent, catchUpMs };
  } finally {
    await closePage(page);
    await closeClient(publisher);
  }
}
