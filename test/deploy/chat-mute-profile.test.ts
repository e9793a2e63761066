import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeClient, connectClient } from '../harness/mqtt.js';
import { canRun } from '../harness/system-deps.js';
import { DEVICE_ID, PREFIX } from './access-matrix.js';
import { type ProfileBroker, startProfile } from './mosquitto-profile.js';

/**
 * What docs/deploy.md ("Muting a chat name on Mosquitto") tells a teacher to do, on
 * the classroom profile as make-accounts.sh writes it: one `topic deny` line for
 * the name, and Mosquitto neither delivers nor takes that name's chat any more.
 */
describe.skipIf(!canRun('mosquitto'))('muting a chat name on the classroom profile', () => {
  let broker: ProfileBroker;
  beforeAll(async () => {
    broker = await startProfile('classroom', [DEVICE_ID]);
    const acl = join(broker.etc, 'classroom', 'acl');
    const text = readFileSync(acl, 'utf8');
    // In the anonymous clients' block (before the first `user` line), with the lines that grant chat.
    const at = text.indexOf(`topic readwrite ${PREFIX}/chat/+`);
    expect(at).toBeGreaterThan(0);
    expect(text.indexOf('\nuser ')).toBeGreaterThan(at);
    writeFileSync(acl, `${text.slice(0, at)}topic deny ${PREFIX}/chat/Eve\n${text.slice(at)}`);
    await broker.stop();
    await broker.start();
  });
  afterAll(async () => {
    await broker?.dispose();
  });

  it("drops the muted name's chat for everyone, keeps the others'", async () => {
    const url = `mqtt://127.0.0.1:${broker.port(1883)}`;
    const page = await connectClient(url);
    const eve = await connectClient(url);
    try {
      const got: string[] = [];
      page.on('message', (topic, payload) => got.push(`${topic.split('/').pop()}: ${payload.toString()}`));
      await page.subscribeAsync(`${PREFIX}/chat/+`, { qos: 1 });
      await eve.publishAsync(`${PREFIX}/chat/Eve`, 'pub pub pub', { qos: 1 });
      await eve.publishAsync(`${PREFIX}/chat/Léo`, 'fin', { qos: 1 });
      await expect.poll(() => got.at(-1), { timeout: 10_000 }).toBe('Léo: fin');
      expect(got).toEqual(['Léo: fin']);
    } finally {
      await closeClient(page);
      await closeClient(eve);
    }
  });
});
