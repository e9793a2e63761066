/**
 * Where the kiosk's threads go while it counts raw votes (course mode) at a given
 * rate: a CDP CPU profile of the page's main thread and of each of its dedicated
 * workers, printed as the top self-time entries (the pages built unminified, so the
 * names are the source's). Not part of `npm run bench`; run it under the bench lock:
 *   flock /tmp/mqc-bench.lock node --import tsx bench/kiosk-profile.ts [--broker=mosquitto] [--rate=10000] [--seconds=5]
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { CDPSession } from 'playwright-core';
import { launchBrowser } from '../test/harness/browser.js';
import { closeClient, connectClient } from '../test/harness/mqtt.js';
import { brokers } from './brokers.js';
import { publishAtRate } from './kiosk-load.js';
import { bundleEntries } from './lib/children.js';
import { PREFIX, startHub } from './lib/hub.js';
import { closePage, openKiosk } from './lib/kiosk.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const arg = (name: string, fallback: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const brokerName = arg('broker', 'embedded');
const rate = Number(arg('rate', '10000'));
const seconds = Number(arg('seconds', '5'));

/** Self time per function (name, file:line), in ms, the largest first. */
function selfTimes(profile: Profile): { name: string; ms: number }[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const totals = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id)?.callFrame;
    if (frame === undefined) return;
    const file = frame.url.replace(/^.*\//, '');
    const key = `${frame.functionName || '(anonymous)'}${file ? ` ${file}:${frame.lineNumber + 1}` : ''}`;
    totals.set(key, (totals.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return [...totals].map(([name, ms]) => ({ name, ms })).sort((a, b) => b.ms - a.ms);
}

function print(label: string, profile: Profile): void {
  const wall = (profile.endTime - profile.startTime) / 1000;
  const rows = selfTimes(profile);
  const busy = rows.filter((r) => !r.name.startsWith('(idle)')).reduce((sum, r) => sum + r.ms, 0);
  process.stdout.write(`\n${label}: ${wall.toFixed(0)} ms profiled, ${((busy / wall) * 100).toFixed(0)} % not idle\n`);
  for (const row of rows.slice(0, 25)) process.stdout.write(`  ${row.ms.toFixed(0).padStart(7)} ms ${((row.ms / wall) * 100).toFixed(1).padStart(5)} %  ${row.name}\n`);
}

/**
 * The page's dedicated workers through its CDP session (Target.setAutoAttach, not
 * flattened: Playwright's CDPSession talks to its own target only).
 */
function workerProfiler(cdp: CDPSession): { start(): Promise<void>; stop(): Promise<{ url: string; profile: Profile }[]> } {
  const workers = new Map<string, string>();
  let nextId = 1;
  const pending = new Map<number, (result: unknown) => void>();
  cdp.on('Target.attachedToTarget', (event: { sessionId: string; targetInfo: { type: string; url: string } }) => {
    if (event.targetInfo.type === 'worker') workers.set(event.sessionId, event.targetInfo.url);
  });
  cdp.on('Target.receivedMessageFromTarget', (event: { message: string }) => {
    const message = JSON.parse(event.message) as { id?: number; result?: unknown };
    if (message.id !== undefined) pending.get(message.id)?.(message.result);
  });
  const call = (sessionId: string, method: string, params: Record<string, unknown> = {}) =>
    new Promise<unknown>((resolve) => {
      const id = nextId++;
      pending.set(id, resolve);
      void cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) });
    });
  return {
    async start() {
      await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
      for (const sessionId of workers.keys()) {
        await call(sessionId, 'Profiler.enable');
        await call(sessionId, 'Profiler.start');
      }
    },
    async stop() {
      const out: { url: string; profile: Profile }[] = [];
      for (const [sessionId, url] of workers) out.push({ url, profile: ((await call(sessionId, 'Profiler.stop')) as { profile: Profile }).profile });
      return out;
    },
  };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'mqtt-classroom-kiosk-profile-'));
  const build = fileURLToPath(new URL('../web/build.mjs', import.meta.url));
  await promisify(execFile)(process.execPath, [build, '--quiet', '--no-minify', '--outdir', dir]);
  const list = await brokers();
  const broker = list.find((b) => b.name === brokerName);
  if (broker === undefined) throw new Error(`no broker named ${brokerName}: use --broker=embedded or --broker=mosquitto`);
  const external = broker.name === 'embedded' ? { url: null, wsUrl: null } : { url: broker.url, wsUrl: broker.wsUrl };
  const hub = await startHub(await bundleEntries(), dir, { name: broker.name, ...external });
  const browser = await launchBrowser();
  const topic = `${PREFIX}/chat/kiosk-profile-${Date.now()}`;
  const page = await openKiosk(browser, `${hub.httpUrl}/kiosk?poll=none&topic=${encodeURIComponent(topic)}&options=A,B,C,D`, 4);
  const publisher = await connectClient(hub.mqttUrl, { clean: true });
  try {
    const cdp = await page.context().newCDPSession(page);
    const workers = workerProfiler(cdp);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await workers.start();
    await cdp.send('Profiler.start');
    const sent = await publishAtRate(publisher, topic, rate, seconds);
    const { profile } = (await cdp.send('Profiler.stop')) as { profile: Profile };
    const workerProfiles = await workers.stop();
    const shown = (await page.evaluate('window.__shown.at(-1)?.[0] ?? 0')) as number;
    process.stdout.write(`${broker.name}: ${sent} raw votes sent in ${seconds} s (${rate}/s asked), ${shown} shown when the stream stopped\n`);
    print('main thread', profile);
    for (const worker of workerProfiles) print(`worker ${worker.url.replace(/^.*\//, '')}`, worker.profile);
  } finally {
    await closeClient(publisher);
    await closePage(page);
    await browser.close();
    await hub.stop();
    for (const b of list) await b.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
