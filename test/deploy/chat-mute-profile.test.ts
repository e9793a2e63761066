import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IClientOptions } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeClient, connectClient } from '../harness/mqtt.js';
import { canRun } from '../harness/system-deps.js';
import { DEVICE_ID, PREFIX } from './access-matrix.js';
import { type ProfileBroker, type ProfileName, startProfile } from './mosquitto-profile.js';

/**
 * What docs/deploy.md ("Muting a chat name on Mosquitto") tells a teacher to do, on
 * both profiles as make-accounts.sh writes them: one `topic deny` line for the name
 * in the block of the clients the pages use (the anonymous block on the classroom
 * profile, the `user voter` block on the secure one), and Mosquitto neither delivers
 * nor takes that name's chat any more.
 */
const PROFILES: { profile: ProfileName; deps: Parameters<typeof canRun>; block: string }[] = [
  { profile: 'classroom', deps: ['mosquitto'], block: 'anonymous' },
  { profile: 'secure', deps: ['mosquitto', 'openssl'], block: 'user voter' },
];

/** Inserts the documented deny line before the block's `topic readwrite PREFIX/chat/+` line. */
function muteIn(text: string, block: string, line: string): string {
  const blockStart = block === 'anonymous' ? 0 : text.indexOf(`\n${block}\n`);
  expect(blockStart).toBeGreaterThanOrEqual(0);
  const at = text.indexOf(`topic readwrite ${PREFIX}/chat/+`, blockStart);
  expect(at).toBeGreaterThan(blockStart);
  // The grant found belongs to the block: no other `user` line between them.
  expect(text.slice(blockStart + 1, at).includes('\nuser ')).toBe(false);
  return `${text.slice(0, at)}${line}\n${text.slice(at)}`;
}

for (const { profile, deps, block } of PROFILES) {
  describe.skipIf(!canRun(...deps))(`muting a chat name on the ${profile} profile (${block} block)`, () => {
    let broker: ProfileBroker;
    let url: string;
    let page: IClientOptions;
    beforeAll(async () => {
      broker = await startProfile(profile, [DEVICE_ID]);
      const acl = join(broker.etc, 'classroom', 'acl');
      writeFileSync(acl, muteIn(readFileSync(acl, 'utf8'), block, `topic deny ${PREFIX}/chat/Eve`));
      await broker.stop();
      await broker.start();
      const hub = broker.env.hub ?? {};
      if (profile === 'secure') {
        // The pages' account on the TLS WebSocket listener, as /config.json gives it.
        url = `wss://127.0.0.1:${broker.port(8081)}`;
        page = { ca: readFileSync(broker.caFile), username: hub.BROWSER_MQTT_USERNAME, password: hub.BROWSER_MQTT_PASSWORD };
        expect(page.username).toBe('voter');
      } else {
        url = `mqtt://127.0.0.1:${broker.port(1883)}`;
        page = {};
      }
    });
    afterAll(async () => {
      await broker?.dispose();
    });

    it("drops the muted name's chat for everyone, keeps the others'", async () => {
      const reader = await connectClient(url, page);
      const eve = await connectClient(url, page);
      try {
        const got: string[] = [];
        reader.on('message', (topic, payload) => got.push(`${topic.split('/').pop()}: ${payload.toString()}`));
        await reader.subscribeAsync(`${PREFIX}/chat/+`, { qos: 1 });
        await eve.publishAsync(`${PREFIX}/chat/Eve`, 'pub pub pub', { qos: 1 });
        await eve.publishAsync(`${PREFIX}/chat/Léo`, 'fin', { qos: 1 });
        await expect.poll(() => got.at(-1), { timeout: 10_000 }).toBe('Léo: fin');
        expect(got).toEqual(['Léo: fin']);
      } finally {
        await closeClient(reader);
        await closeClient(eve);
      }
    });
  });
}
