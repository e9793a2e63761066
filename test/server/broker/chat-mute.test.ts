import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeClient, connectClient } from '../../harness/mqtt.js';
import { captureLogger } from '../../device/helpers/logs.js';
import { type TestServer, startTestServer } from '../helpers.js';

/**
 * Issue 13 item 5: a muted chat name used to be only hidden by the hub's history
 * (and by pages, on their next load) while the embedded broker kept delivering its
 * live messages to every open page. The broker now refuses them: acknowledged and
 * dropped, the connection kept, logged once; the same connection cannot go on
 * under another name.
 */
describe('chat mute on the embedded broker', () => {
  let server: TestServer;
  const log = captureLogger();
  beforeAll(async () => {
    server = await startTestServer({}, { logger: log.logger });
  });
  afterAll(async () => {
    await server.dispose();
  });

  it("refuses a muted name's chat publishes, and that connection's chat under any other name, logged once", async () => {
    const page = await connectClient(server.running.mqttUrl);
    const eve = await connectClient(server.running.mqttUrl);
    const leo = await connectClient(server.running.mqttUrl);
    try {
      const got: string[] = [];
      page.on('message', (topic, payload) => got.push(`${topic.split('/').pop()}: ${payload.toString()}`));
      await page.subscribeAsync('classroom/chat/+', { qos: 1 });
      await eve.publishAsync('classroom/chat/Eve', 'avant', { qos: 1 });
      await expect.poll(() => got).toEqual(['Eve: avant']);

      const muted = await fetch(`${server.running.httpUrl}/api/chat/mute/Eve`, { method: 'POST', headers: { authorization: `Bearer ${server.running.adminToken}` } });
      expect(muted.status).toBe(200);
      // PUBACKed (QoS 1 resolves), not delivered, not disconnected.
      await eve.publishAsync('classroom/chat/Eve', 'pub pub pub', { qos: 1 });
      await eve.publishAsync('classroom/chat/Eve', 'encore', { qos: 1 });
      await eve.publishAsync('classroom/chat/Eva', 'sous un autre nom', { qos: 1 });
      expect(eve.connected).toBe(true);
      await leo.publishAsync('classroom/chat/Léo', 'fin', { qos: 1 });
      await expect.poll(() => got.at(-1)).toBe('Léo: fin');
      expect(got).toEqual(['Eve: avant', 'Léo: fin']);
      expect(log.lines.filter((line) => line.includes('refused the chat of a muted name'))).toHaveLength(1);

      // Unmuted, a new connection under the name is heard again.
      await fetch(`${server.running.httpUrl}/api/chat/unmute/Eve`, { method: 'POST', headers: { authorization: `Bearer ${server.running.adminToken}` } });
      const again = await connectClient(server.running.mqttUrl);
      try {
        await again.publishAsync('classroom/chat/Eve', 'pardon', { qos: 1 });
        await expect.poll(() => got.at(-1)).toBe('Eve: pardon');
      } finally {
        await closeClient(again);
      }
    } finally {
      await Promise.all([closeClient(page), closeClient(eve), closeClient(leo)]);
    }
  });
});
