import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { type MosquittoBroker, startMosquitto } from '../harness/mosquitto.js';
import { closeClient, collect, connectClient } from '../harness/mqtt.js';
import { canRun } from '../harness/system-deps.js';
import { SERVER_MOSQUITTO_SETTINGS } from '../server/mosquitto-settings.js';
import { CLOSED_POLL, type Case, OPEN_POLL, OPTIONS, PREFIX, generateCases } from './bad-input-cases.js';
import { Figures, SOAK, scale } from './figures.js';
import { ServerProcess, rssOf, waitFor } from './processes.js';

/**
 * Item 3 of the reliability issue: a seeded stream of random and hostile payloads
 * on vote, chat and lookalike topics, mixed with valid votes, against the real
 * server process on real Mosquitto and on its embedded broker. Every message's
 * fate is known from how it was made; the server's counters must equal those
 * expectations exactly, it must stay up, and its memory must stay bounded.
 */
const COUNT = scale(2_000, 100_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261126);
/** Messages in flight at once (QoS 1 without PUBACK yet): bounded, so the load is too. */
const WINDOW = 100;
/** Generous: the server keeps no per-message state in memory beyond SQLite's cache. */
const MAX_RSS_GROWTH = 150 * 1024 * 1024;

const figures = new Figures('bad-input');
afterAll(() => figures.write());

interface Expected {
  counted: number;
  duplicates: number;
  ignored: number;
  /** Server-wide rejections by reason (GET /api/status). */
  rejectedBy: Record<string, number>;
  /** Per poll: counts by option and rejections by reason (the retained tally). */
  polls: Record<string, { counts: Record<string, number>; rejectedBy: Record<string, number> }>;
  classes: Record<string, number>;
  bytes: number;
}

function emptyExpected(): Expected {
  return {
    counted: 0,
    duplicates: 0,
    ignored: 0,
    rejectedBy: {},
    polls: {
      [OPEN_POLL]: { counts: Object.fromEntries(OPTIONS.map((o) => [o, 0])), rejectedBy: {} },
      [CLOSED_POLL]: { counts: { A: 0, B: 0 }, rejectedBy: {} },
    },
    classes: {},
    bytes: 0,
  };
}

function expect1(expected: Expected, item: Case): void {
  expected.classes[item.klass] = (expected.classes[item.klass] ?? 0) + item.messages.length;
  for (const { fate, payload } of item.messages) {
    expected.bytes += payload.length;
    if (fate.kind === 'counted') {
      expected.counted += 1;
      const counts = expected.polls[OPEN_POLL]?.counts as Record<string, number>;
      counts[fate.option] = (counts[fate.option] ?? 0) + 1;
    } else if (fate.kind === 'duplicate') expected.duplicates += 1;
    else if (fate.kind === 'ignored') expected.ignored += 1;
    else {
      expected.rejectedBy[fate.reason] = (expected.rejectedBy[fate.reason] ?? 0) + 1;
      if (fate.poll !== null) {
        const poll = expected.polls[fate.poll]?.rejectedBy as Record<string, number>;
        poll[fate.reason] = (poll[fate.reason] ?? 0) + 1;
      }
    }
  }
}

/** Publishes at QoS 1 with at most WINDOW messages waiting for their PUBACK. */
async function sendAll(client: MqttClient, cases: Iterable<Case>, expected: Expected): Promise<void> {
  const iterable = { [Symbol.iterator]: () => cases[Symbol.iterator]() };
  const inFlight = new Set<Promise<unknown>>();
  for (const item of iterable) {
    expect1(expected, item);
    for (const message of item.messages) {
      while (inFlight.size >= WINDOW) await Promise.race(inFlight);
      const sent: Promise<unknown> = client.publishAsync(message.topic, message.payload, { qos: 1 }).finally(() => inFlight.delete(sent));
      inFlight.add(sent);
    }
  }
  await Promise.all(inFlight);
}

interface Status {
  counted: number;
  duplicates: number;
  rejectedBy: Record<string, number>;
}

const handled = (s: Status) => s.counted + s.duplicates + Object.values(s.rejectedBy).reduce((a, b) => a + b, 0);

async function fuzz(broker: 'mosquitto' | 'embedded', server: ServerProcess, url: string): Promise<void> {
  await server.createOpenPoll(OPEN_POLL, [...OPTIONS]);
  await server.api('/api/polls', 'POST', { id: CLOSED_POLL, question: 'Fermé ?', options: ['A', 'B'] });
  const client = await connectClient(url, { clientId: `fuzzer-${broker}`, keepalive: 30 });
  const expected = emptyExpected();
  const started = Date.now();
  let rssBefore = 0;
  let rssAfter = 0;
  try {
    // Warm up first (JIT, SQLite cache), so the memory figure is growth under load.
    const cases = generateCases(broker, SEED, COUNT, SOAK);
    // Not a for-of with break: that would close the generator.
    const warmUp: Case[] = [];
    while (warmUp.length < 50) {
      const next = cases.next();
      if (next.done === true) break;
      warmUp.push(next.value);
    }
    await sendAll(client, warmUp, expected);
    await waitFor(async () => handled(await server.api<Status>('/api/status')) === expected.counted + expected.duplicates + sum(expected.rejectedBy), 'the warm-up to be handled');
    rssBefore = rssOf(server.pid);
    await sendAll(client, cases, expected);
    const want = expected.counted + expected.duplicates + sum(expected.rejectedBy);
    const sent = want + expected.ignored;
    let status: Status = await server.api<Status>('/api/status');
    await waitFor(
      async () => {
        status = await server.api<Status>('/api/status');
        return handled(status) >= want;
      },
      `the server to handle ${want} messages`,
      scale(60_000, 600_000),
      200,
    );
    rssAfter = rssOf(server.pid);

    // Still up and still counting: a last vote gets its receipt.
    // Its receipt goes to the vote's reply, this client's id: the only client that may read it.
    const receipt = collect(client, `${PREFIX}/receipts/fuzzer-${broker}`, 1);
    await receipt.subscribed;
    await client.publishAsync(`${PREFIX}/votes/${OPEN_POLL}`, JSON.stringify({ id: 'last-one', option: 'A', voter: 'after-the-storm', reply: `fuzzer-${broker}` }), { qos: 1 });
    const [last] = await receipt;
    expected.counted += 1;
    const counts = expected.polls[OPEN_POLL]?.counts as Record<string, number>;
    counts.A = (counts.A ?? 0) + 1;
    status = await server.api<Status>('/api/status');
    const open = (await server.api(`/api/polls/${OPEN_POLL}`)).tally;
    const shut = (await server.api(`/api/polls/${CLOSED_POLL}`)).tally;

    // The table's rows, from the expectations and what the server reports.
    const where = broker === 'mosquitto' ? 'Mosquitto' : 'embedded broker (aedes)';
    const row = (what: string, tried: number, got: number, outcome: string) =>
      figures.add({ area: 'bad input', what, where, tried, unit: 'payloads', lost: Math.max(0, tried - got), wrong: Math.max(0, got - tried), outcome });
    row('valid votes (JSON, plain text, deep or polluted but valid)', expected.counted, status.counted, `${status.counted} counted`);
    row('redeliveries of a vote (same id)', expected.duplicates, status.duplicates, `${status.duplicates} recognised as duplicates`);
    for (const [reason, n] of Object.entries(expected.rejectedBy).sort()) {
      row(`rejected: ${reason}`, n, status.rejectedBy[reason] ?? 0, `${status.rejectedBy[reason] ?? 0} rejected with reason ${reason}`);
    }
    const unexpected = Object.keys(status.rejectedBy).filter((r) => !(r in expected.rejectedBy));
    figures.add({
      area: 'bad input',
      what: 'the whole stream',
      where,
      tried: sent,
      unit: 'payloads',
      lost: 0,
      wrong: unexpected.reduce((a, r) => a + (status.rejectedBy[r] ?? 0), 0) + Math.max(0, handled(status) - (want + 1)),
      outcome: `${(expected.bytes / 1e6).toFixed(1)} MB in ${((Date.now() - started) / 1000).toFixed(1)} s, seed ${SEED}; ${expected.ignored} ignored (lookalike/chat topics, zero-length); server up, RSS ${mb(rssBefore)} → ${mb(rssAfter)} MB; classes: ${Object.entries(expected.classes)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
    });

    expect(JSON.parse(last?.payload ?? '{}')).toMatchObject({ id: 'last-one', status: 'counted' });
    expect(sent).toBeGreaterThanOrEqual(COUNT);
    expect(server.running).toBe(true);
    expect({ counted: status.counted, duplicates: status.duplicates, rejectedBy: status.rejectedBy }).toEqual({
      counted: expected.counted,
      duplicates: expected.duplicates,
      rejectedBy: expected.rejectedBy,
    });
    expect(open.counts).toEqual(expected.polls[OPEN_POLL]?.counts);
    expect(open.rejectedBy).toEqual(expected.polls[OPEN_POLL]?.rejectedBy);
    expect(open.total).toBe(expected.counted);
    expect(shut.rejectedBy).toEqual(expected.polls[CLOSED_POLL]?.rejectedBy);
    expect(shut.total).toBe(0);
    expect(rssAfter - rssBefore).toBeLessThan(MAX_RSS_GROWTH);
    // Every class was tried (the seed and weights reach all of them).
    expect(Object.keys(expected.classes).length).toBe(16);
  } finally {
    await closeClient(client);
  }
}

const sum = (record: Record<string, number>) => Object.values(record).reduce((a, b) => a + b, 0);
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);

describe('bad input on the wire', { timeout: scale(120_000, 1_800_000) }, () => {
  const dirs: string[] = [];
  const servers: ServerProcess[] = [];
  let mosquitto: MosquittoBroker | null = null;
  const dataDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'mqtt-classroom-fuzz-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(async () => {
    for (const server of servers) await server.stop('SIGKILL');
    await mosquitto?.dispose();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(!canRun('mosquitto'))(`${COUNT} seeded payloads through Mosquitto: each valid vote counted, each invalid one rejected with its reason`, async () => {
    mosquitto = await startMosquitto({ extraConfig: [...SERVER_MOSQUITTO_SETTINGS] });
    const server = new ServerProcess({ MQTT_URL: mosquitto.url, DATA_DIR: dataDir() });
    servers.push(server);
    await server.start();
    await fuzz('mosquitto', server, mosquitto.url);
  });

  it(`${COUNT} seeded payloads through the embedded broker: the same`, async () => {
    const server = new ServerProcess({ MQTT_HOST: '127.0.0.1', MQTT_PORT: '0', DATA_DIR: dataDir() });
    servers.push(server);
    await server.start();
    await fuzz('embedded', server, server.brokerUrl as string);
  });
});
