import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IClientOptions, MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeClient, collect, connectClient } from '../harness/mqtt.js';
import { canRun } from '../harness/system-deps.js';
import { DEVICE_ID, PREFIX } from './access-matrix.js';
import { MOSQUITTO_DIR, type ProfileBroker, type ProfileName, SPY, startProfile } from './mosquitto-profile.js';

/**
 * Issue 13 items 4 and 7 on the Mosquitto profiles as shipped: a refused publish
 * is PUBACKed and dropped with the connection kept (what the embedded broker now
 * does too: test/server/broker/broker-limits.test.ts), and a packet over
 * max_packet_size closes the connection. Mosquitto 2.0's ACL cannot test the
 * retain flag: docs/deploy.md says what each broker enforces.
 */
function settingsOf(profile: ProfileName): string[] {
  return readFileSync(join(MOSQUITTO_DIR, `${profile}.conf`), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

for (const profile of ['classroom', 'secure'] as const) {
  describe.skipIf(!canRun('mosquitto'))(`Mosquitto, ${profile} profile: limits`, () => {
    let broker: ProfileBroker;
    let url: string;
    let publicAccount: IClientOptions;
    const clients: MqttClient[] = [];
    const open = async (options: IClientOptions = {}) => {
      const client = await connectClient(url, { reconnectPeriod: 0, ...options });
      clients.push(client);
      return client;
    };

    beforeAll(async () => {
      broker = await startProfile(profile, [DEVICE_ID]);
      // The secure profile's plain listener is loopback-only; the public account there is `voter`.
      url = `mqtt://127.0.0.1:${broker.port(1883)}`;
      const hub = broker.env.hub ?? {};
      publicAccount = profile === 'secure' ? { username: hub.BROWSER_MQTT_USERNAME, password: hub.BROWSER_MQTT_PASSWORD } : {};
    });
    afterAll(async () => {
      for (const client of clients) await closeClient(client);
      await broker?.dispose();
    });

    it('a refused publish is PUBACKed and dropped; the connection stays and can still chat', async () => {
      const spy = await open({ username: SPY.username, password: SPY.password });
      const seen = collect(spy, `${PREFIX}/#`, 1);
      await seen.subscribed;
      const phone = await open(publicAccount);
      let closed = false;
      phone.on('close', () => (closed = true));
      for (let i = 0; i < 3; i += 1) await phone.publishAsync(`${PREFIX}/tally/p`, `{"forged":${i}}`, { qos: 1 });
      await phone.publishAsync(`${PREFIX}/chat/zoe`, 'still here', { qos: 1 });
      expect((await seen).map((m) => [m.topic, m.payload])).toEqual([[`${PREFIX}/chat/zoe`, 'still here']]);
      expect(closed).toBe(false);
      expect(phone.connected).toBe(true);
    });

    it('a 20 MB retained chat message closes the connection (max_packet_size); 60,000 bytes pass', async () => {
      expect(settingsOf(profile)).toContain('max_packet_size 65536');
      const spy = await open({ username: SPY.username, password: SPY.password });
      const seen = collect(spy, `${PREFIX}/chat/+`, 1);
      await seen.subscribed;
      const hostile = await open(publicAccount);
      const gone = new Promise<void>((resolve) => hostile.once('close', () => resolve()));
      hostile.publish(`${PREFIX}/chat/huge`, Buffer.alloc(20 * 1024 * 1024, 0x61), { qos: 0, retain: true });
      await gone;
      const honest = await open(publicAccount);
      await honest.publishAsync(`${PREFIX}/chat/zoe`, 'x'.repeat(60_000), { qos: 1 });
      expect((await seen).map((m) => [m.topic, m.payload.length])).toEqual([[`${PREFIX}/chat/zoe`, 60_000]]);
    });

    it("the big room's hub listener is WebSocket on loopback only, 9002 (Mosquitto drains a TCP client one packet per loop pass)", () => {
      const settings = settingsOf(profile);
      const at = settings.indexOf('listener 9002 127.0.0.1');
      expect(settings.slice(at, at + 2)).toEqual(['listener 9002 127.0.0.1', 'protocol websockets']);
    });

    it('every listener caps its connections (max_connections), under the 1,024 open files of a Pi service', () => {
      const settings = settingsOf(profile);
      const caps: number[] = [];
      settings.forEach((line, i) => {
        if (!line.startsWith('listener ')) return;
        const next = settings.slice(i + 1).findIndex((l) => l.startsWith('listener '));
        const block = settings.slice(i + 1, next < 0 ? undefined : i + 1 + next);
        const cap = block.find((l) => l.startsWith('max_connections '));
        expect([line, cap]).toEqual([line, expect.stringMatching(/^max_connections \d+$/)]);
        caps.push(Number((cap as string).split(/\s+/)[1]));
      });
      expect(caps.length).toBeGreaterThan(0);
      expect(caps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(900);
    });
  });
}
