import { afterEach, describe, expect, it } from 'vitest';
import { Accounts, SERVER_CLIENT_ID } from '../../server/access/accounts.js';
import { type MosquittoBroker, startMosquitto } from '../harness/mosquitto.js';
import { canRun } from '../harness/system-deps.js';
import { type TestServer, startTestServer } from './helpers.js';

// A client id names a persistent session. On Mosquitto anyone who can connect may
// reuse an id and take the session over, so MQTT_CLIENT_ID lets a classroom give
// its server an id students cannot guess.
describe('MQTT_CLIENT_ID', () => {
  it('moves the reservation of the embedded broker to the private id', () => {
    const accounts = new Accounts({ serverPassword: 'pw', devices: new Map(), browser: null, serverClientId: 'srv-7f3a9c' });
    expect(accounts.login('srv-7f3a9c', undefined, undefined)).toEqual({ ok: false, why: 'reserved-client-id' });
    expect(accounts.login('srv-7f3a9c', 'classroom-server', Buffer.from('pw')).ok).toBe(true);
    expect(accounts.login(SERVER_CLIENT_ID, undefined, undefined).ok).toBe(true);
  });

  describe.skipIf(!canRun('mosquitto'))('against Mosquitto', () => {
    let broker: MosquittoBroker | undefined;
    let server: TestServer | undefined;
    afterEach(async () => {
      await server?.dispose();
      await broker?.dispose();
    });

    it('is the id the server connects with', async () => {
      broker = await startMosquitto();
      server = await startTestServer({ MQTT_URL: broker.url, MQTT_CLIENT_ID: 'srv-7f3a9c' });
      await expect.poll(() => broker?.log() ?? '', { timeout: 5_000 }).toMatch(/New client connected from .* as srv-7f3a9c /);
      expect(broker.log()).not.toContain(`as ${SERVER_CLIENT_ID} `);
    });
  });
});
