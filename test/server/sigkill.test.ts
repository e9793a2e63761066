import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MosquittoBroker, startMosquitto } from '../harness/mosquitto.js';
import { closeClient, connectClient } from '../harness/mqtt.js';
import { canRun } from '../harness/system-deps.js';
import { TEST_ADMIN_TOKEN, jsonVote, tempDataDir, waitForTally } from './helpers.js';
import { SERVER_MOSQUITTO_SETTINGS } from './mosquitto-settings.js';

const PUBLISHERS = 5;
const VOTES_EACH = 1000;
const OPTIONS = ['A', 'B', 'C'];
const RESEND_AFTER_MS = 1500;
const STATUS = 'classroom/devices/classroom-server/status';
const runCli = fileURLToPath(new URL('./fixtures/run-cli.ts', import.meta.url));

/** `mqtt-classroom server` in its own process, against Mosquitto. */
class ServerProcess {
  child: ChildProcess | null = null;
  httpUrl = '';
  output = '';

  constructor(private readonly env: NodeJS.ProcessEnv) {}

  async start(): Promise<void> {
    const child = spawn(process.execPath, ['--import', 'tsx', runCli, 'server'], {
      env: { ...process.env, ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stderr?.on('data', (c: Buffer) => (this.output += c.toString()));
    this.httpUrl = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout?.on('data', (c: Buffer) => {
        out += c.toString();
        const match = /kiosk \(results\)\s+(http:\/\/\S+?)\/\s/.exec(out);
        if (match) resolve(match[1] as string);
      });
      child.once('exit', (code) => reject(new Error(`the server exited (${code}) at start-up:\n${this.output}`)));
    });
  }

  /** Sends a signal and resolves with the exit code (null after SIGKILL). */
  stop(signal: NodeJS.Signals): Promise<number | null> {
    const child = this.child;
    this.child = null;
    if (child === null || child.exitCode !== null) return Promise.resolve(child?.exitCode ?? null);
    return new Promise((resolve) => {
      child.once('exit', (code) => resolve(code));
      child.kill(signal);
    });
  }
}

/** A voting box: QoS 1, keeps each vote until its receipt arrives, re-sends after a timeout. */
class Voter {
  readonly pending = new Map<string, { option: string; sentAt: number }>();
  readonly statuses = new Map<string, string[]>();
  sent = 0;

  constructor(
    readonly name: string,
    readonly client: MqttClient,
  ) {
    client.on('message', (_topic, payload) => {
      const receipt = JSON.parse(payload.toString()) as { id: string; status: string };
      this.statuses.set(receipt.id, [...(this.statuses.get(receipt.id) ?? []), receipt.status]);
      this.pending.delete(receipt.id);
    });
  }

  vote(id: string, option: string): void {
    this.pending.set(id, { option, sentAt: Date.now() });
    this.sent += 1;
    this.client.publish('classroom/votes/crash', jsonVote(id, option, this.name), { qos: 1 });
  }

  resendOverdue(now: number): void {
    for (const [id, vote] of this.pending) {
      if (now - vote.sentAt < RESEND_AFTER_MS) continue;
      vote.sentAt = now;
      this.client.publish('classroom/votes/crash', jsonVote(id, vote.option, this.name), { qos: 1 });
    }
  }
}

function waitFor(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const timer = setInterval(() => {
      if (condition()) {
        clearInterval(timer);
        resolve();
      } else if (Date.now() - started > timeoutMs) {
        clearInterval(timer);
        reject(new Error(`timed out waiting for ${what}`));
      }
    }, 20);
  });
}

describe.skipIf(!canRun('mosquitto'))('the server killed with SIGKILL in the middle of a 5,000-vote stream', () => {
  let mosquitto: MosquittoBroker;
  let server: ServerProcess;
  let watcher: MqttClient;
  const voters: Voter[] = [];
  const data = tempDataDir();
  const statuses: string[] = [];

  beforeAll(async () => {
    mosquitto = await startMosquitto({ extraConfig: [...SERVER_MOSQUITTO_SETTINGS] });
    server = new ServerProcess({
      MQTT_URL: mosquitto.url,
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      DATA_DIR: data.dir,
      ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      LOG_LEVEL: 'warn',
    });
    watcher = await connectClient(mosquitto.url);
    watcher.on('message', (topic, payload) => {
      if (topic === STATUS) statuses.push(payload.toString());
    });
    await watcher.subscribeAsync(STATUS, { qos: 1 });
    for (let i = 0; i < PUBLISHERS; i += 1) {
      const client = await connectClient(mosquitto.url, { clientId: `crash-box-${i}` });
      await client.subscribeAsync(`classroom/receipts/box-${i}`, { qos: 1 });
      voters.push(new Voter(`box-${i}`, client));
    }
  });
  afterAll(async () => {
    await server?.stop('SIGKILL');
    await Promise.all([watcher, ...voters.map((v) => v.client)].filter(Boolean).map(closeClient));
    await mosquitto?.dispose();
    data.remove();
  });

  it('counts exactly the votes published, each once, after a restart', async () => {
    await server.start();
    const headers = { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' };
    const created = await fetch(`${server.httpUrl}/api/polls`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ id: 'crash', question: 'Crash?', options: OPTIONS }),
    });
    expect(created.status).toBe(201);
    expect((await fetch(`${server.httpUrl}/api/polls/crash/open`, { method: 'POST', headers })).status).toBe(200);
    await waitFor(() => statuses.at(-1) === 'online', 'the server to be online');

    const published = new Map<string, string>();
    const total = PUBLISHERS * VOTES_EACH;
    let next = 0;
    let publishedAtKill = 0;
    const stream = setInterval(() => {
      // Five votes per publisher every 10 ms, and the re-sends of overdue ones.
      for (const voter of voters) {
        for (let k = 0; k < 5 && voter.sent < VOTES_EACH; k += 1) {
          const id = `${voter.name}-${voter.sent}`;
          const option = OPTIONS[(next += 1) % OPTIONS.length] as string;
          published.set(id, option);
          voter.vote(id, option);
        }
        voter.resendOverdue(Date.now());
      }
    }, 10);
    try {
      await waitFor(() => published.size >= total * 0.4, 'the stream to be under way');
      expect(await server.stop('SIGKILL')).toBeNull();
      publishedAtKill = published.size;
      // The broker noticed: the server's last will says offline.
      await waitFor(() => statuses.at(-1) === 'offline', 'the last will');
      await server.start();
      await waitFor(() => voters.every((v) => v.sent === VOTES_EACH && v.pending.size === 0), 'a receipt for every vote', 40_000);
    } finally {
      clearInterval(stream);
    }
    // Killed in the middle: votes kept coming while the server was down.
    expect(publishedAtKill).toBeGreaterThan(0);
    expect(publishedAtKill).toBeLessThan(total);
    expect(published.size).toBe(total);

    const expected: Record<string, number> = Object.fromEntries(OPTIONS.map((o) => [o, 0]));
    for (const option of published.values()) expected[option] = (expected[option] ?? 0) + 1;
    const tally = await waitForTally(watcher, 'classroom', 'crash', (s) => s.total >= total);
    expect(tally.total).toBe(total);
    expect(tally.counts).toEqual(expected);
    // Some votes were re-sent (the crash ate their receipts) and were recognised.
    const all = voters.flatMap((v) => [...v.statuses.values()].flat());
    expect(all.every((s) => s === 'counted' || s === 'duplicate')).toBe(true);
    console.info(
      `sigkill: killed after ${publishedAtKill} votes; ${all.filter((s) => s === 'duplicate').length} re-sent votes were recognised as duplicates`,
    );

    // A clean stop: exit code 0, pending writes committed, `offline` published.
    expect(await server.stop('SIGTERM')).toBe(0);
    await waitFor(() => statuses.at(-1) === 'offline', 'offline after SIGTERM');
    // And the data survived both: a third start shows the same counts.
    await server.start();
    const again = await (await fetch(`${server.httpUrl}/api/polls/crash`, { headers })).json();
    expect(again.tally.counts).toEqual(expected);
  }, 90_000);
});
