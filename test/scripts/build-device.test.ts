import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceBundleOptions } from '../../scripts/build-device.mjs';
import { type TestEmbeddedBroker, startEmbedded } from '../harness/embedded.js';

const PROBE = fileURLToPath(new URL('./helpers/connect-probe.ts', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'mqtt-classroom-device-bundle-'));
let broker: TestEmbeddedBroker;

beforeAll(async () => {
  broker = await startEmbedded();
  await build(deviceBundleOptions({ probe: PROBE }, out));
}, 60_000);
afterAll(async () => {
  await broker?.stop();
  rmSync(out, { recursive: true, force: true });
});

async function probe(url: string): Promise<{ connected: boolean; tls: boolean; zlib: boolean }> {
  const { stdout } = await promisify(execFile)(process.execPath, [join(out, 'probe.mjs'), url], { timeout: 20_000 });
  return JSON.parse(stdout) as { connected: boolean; tls: boolean; zlib: boolean };
}

// Issue 17 round 3: MQTT.js requires every transport at its first connect; the
// device bundle defers ws, tls and socks to their first use (scripts/build-device.mjs).
describe('the device bundle (scripts/build-device.mjs) connects over MQTT.js', () => {
  it('on mqtt:// without loading Node\'s tls or zlib (the WebSocket and TLS transports)', async () => {
    expect(await probe(broker.url)).toEqual({ connected: true, tls: false, zlib: false });
  });

  it('(control) on ws://, which loads the WebSocket transport when it is used', async () => {
    expect(await probe(broker.wsUrl)).toMatchObject({ connected: true, zlib: true });
  });
});
