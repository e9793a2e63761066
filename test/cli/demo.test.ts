import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeTally } from '../../shared/codecs/tally.js';
import { closeClient, collect, connectClient } from '../harness/mqtt.js';
import { freePort } from '../harness/ports.js';
import { until } from '../harness/wait.js';

const bin = fileURLToPath(new URL('../../bin/mqtt-classroom.js', import.meta.url));

interface Demo {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function startDemo(env: Record<string, string>, dataDir: string): Demo {
  let out = '';
  let err = '';
  const child = spawn(process.execPath, [bin, 'demo', '--no-keyboard'], {
    env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'info', HTTP_HOST: '127.0.0.1', MQTT_HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

const waitFor = (check: () => boolean, what: () => string, timeout = 20_000) => until(check, 'the demo', { timeout, interval: 50, detail: what });

describe('mqtt-classroom demo (what npm start runs)', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });

  it('comes up with the sample poll open, serves the kiosk, and stops cleanly on Ctrl-C', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mqtt-classroom-demo-'));
    cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const demo = startDemo({ HTTP_PORT: '0', MQTT_PORT: '0' }, dataDir);
    cleanup.push(() => void demo.child.kill('SIGKILL'));
    await waitFor(() => demo.stdout().includes('stop with Ctrl-C'), () => demo.stdout() + demo.stderr());

    const kioskUrl = /kiosk \(results\)\s+(\S+)/.exec(demo.stdout())?.[1];
    const brokerUrl = /broker\s+(mqtt:\/\/\S+)/.exec(demo.stdout())?.[1];
    expect(kioskUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const kiosk = await fetch(kioskUrl as string);
    expect(kiosk.status).toBe(200);
    expect(await kiosk.text()).toContain('<script');
    expect((await fetch(`${kioskUrl}vote`)).status).toBe(200);

    // The retained snapshot of the sample poll is there for any subscriber, and a
    // vote published like `mosquitto_pub -m IFT1215` is counted.
    const client = await connectClient(brokerUrl as string);
    try {
      const tallies = collect(client, 'classroom/tally/cours', 2, 10_000);
      await tallies.subscribed;
      await client.publishAsync('classroom/votes/cours', 'IFT1215', { qos: 1 });
      const last = (await tallies).at(-1);
      const snapshot = decodeTally(last?.payload ?? '');
      expect(snapshot.ok && snapshot.value.counts.IFT1215).toBe(1);
      const [bread] = await collect(client, 'pain/cuisson', 1, 10_000);
      expect(['froid', 'cuisson', 'prêt', 'brûlé']).toContain(bread?.payload);
    } finally {
      await closeClient(client);
    }

    demo.child.kill('SIGINT');
    expect(await demo.exited).toBe(0);
  });

  it('says clearly when its web port is already taken', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mqtt-classroom-demo-'));
    cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const port = await freePort();
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(port, '127.0.0.1', () => r()));
    cleanup.push(() => new Promise<void>((r) => blocker.close(() => r())));
    const demo = startDemo({ HTTP_PORT: String(port), MQTT_PORT: '0' }, dataDir);
    cleanup.push(() => void demo.child.kill('SIGKILL'));
    expect(await demo.exited).toBe(2);
    expect(demo.stderr()).toContain(`Port ${port} (HTTP_PORT) is already in use`);
    expect(demo.stderr()).not.toMatch(/\n\s+at /);
  });
});
