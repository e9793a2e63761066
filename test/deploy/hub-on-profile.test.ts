import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IClientOptions } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadServerEnv } from '../../runtime/env.js';
import { type RunningServer, startServer } from '../../server/index.js';
import { closeClient, collect } from '../harness/mqtt.js';
import { canRun } from '../harness/system-deps.js';
import { DEVICE_ID, PREFIX, connectAs } from './access-matrix.js';
import { type ProfileBroker, type ProfileName, startProfile } from './mosquitto-profile.js';

/**
 * What a teacher gets after pi-setup.sh: the real hub, configured only with the
 * .env lines make-accounts.sh printed (ports moved to this test's free ones), on
 * each Mosquitto profile as shipped. A browser uses what /config.json tells it,
 * a device agent its printed account; votes are counted and acknowledged.
 */
const PROFILES: { profile: ProfileName; deps: Parameters<typeof canRun> }[] = [
  { profile: 'classroom', deps: ['mosquitto'] },
  { profile: 'secure', deps: ['mosquitto', 'openssl'] },
];

for (const { profile, deps } of PROFILES) {
  describe.skipIf(!canRun(...deps))(`the hub on the ${profile} profile, configured from make-accounts.sh's output`, () => {
    let broker: ProfileBroker;
    let server: RunningServer;
    let dataDir: string;
    let tls: IClientOptions;
    let deviceUrl: string;

    beforeAll(async () => {
      broker = await startProfile(profile, [DEVICE_ID]);
      dataDir = mkdtempSync(join(tmpdir(), 'mqtt-classroom-hub-'));
      const hub = broker.env.hub ?? {};
      const secure = profile === 'secure';
      tls = secure ? { ca: readFileSync(broker.caFile) } : {};
      // The printed URLs name the shipped ports; this broker listens on free ones.
      const moved = (url: string) => url.replace(/:(\d+)$/, (_m, port: string) => `:${broker.port(Number(port))}`);
      deviceUrl = moved(broker.env[DEVICE_ID]?.MQTT_URL ?? '');
      const config = loadServerEnv({
        env: {
          ...hub,
          MQTT_URL: moved(hub.MQTT_URL ?? ''),
          MQTT_WS_URL: moved(hub.MQTT_WS_URL ?? ''),
          HTTP_PORT: '0',
          HTTP_HOST: '127.0.0.1',
          DATA_DIR: dataDir,
          ADMIN_TOKEN: 'deploy-test-admin-token',
          LOG_LEVEL: 'silent',
        },
        dotenvPath: null,
      });
      server = await startServer({ config, brokerWaitMs: 5_000 });
      server.polls.create({ id: 'cours', question: 'Quel cours ?', options: ['IFT1215', 'MAT1400'], policy: 'every-press' });
      server.polls.open('cours');
    });
    afterAll(async () => {
      await server?.stop();
      await broker?.dispose();
      if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
    });

    it('counts a browser vote sent with what /config.json says, and acknowledges it', async () => {
      const browserConfig = (await (await fetch(`${server.httpUrl}/config.json`)).json()) as {
        wsUrl: string;
        prefix: string;
        username?: string;
        password?: string;
      };
      expect(browserConfig.wsUrl).toMatch(profile === 'secure' ? /^wss:\/\// : /^ws:\/\//);
      expect(browserConfig.prefix).toBe(PREFIX);
      const browser = await connectAs(
        browserConfig.wsUrl,
        { label: 'browser', who: 'public', ...(browserConfig.username === undefined ? {} : { username: browserConfig.username, password: browserConfig.password }) },
        { ...tls, clientId: 'web-vote-phone-1' },
      );
      try {
        // The receipt goes to the vote's reply level, readable by that client id alone.
        const receipt = collect(browser, `${PREFIX}/receipts/web-vote-phone-1`, 1);
        const tally = collect(browser, `${PREFIX}/tally/cours`, 1);
        await Promise.all([receipt.subscribed, tally.subscribed]);
        const vote = { id: 'vote-phone-1', option: 'MAT1400', voter: 'phone-1', source: 'test', ts: Date.now(), reply: 'web-vote-phone-1' };
        await browser.publishAsync(`${PREFIX}/votes/cours`, JSON.stringify(vote), { qos: 1 });
        expect(JSON.parse((await receipt)[0]?.payload ?? '')).toMatchObject({ id: 'vote-phone-1', status: 'counted' });
        const snapshots = await tally;
        expect(JSON.parse(snapshots[0]?.payload ?? '')).toMatchObject({ poll: 'cours' });
      } finally {
        await closeClient(browser);
      }
      await expect.poll(() => server.polls.get('cours').tally.counts.MAT1400).toBe(1);
    });

    it('counts a vote from the device account it printed', async () => {
      const device = broker.env[DEVICE_ID] ?? {};
      const agent = await connectAs(deviceUrl, { label: DEVICE_ID, who: 'device', username: device.MQTT_USERNAME, password: device.MQTT_PASSWORD }, { ...tls, clientId: `mqtt-classroom-device-${DEVICE_ID}` });
      try {
        const receipt = collect(agent, `${PREFIX}/receipts/mqtt-classroom-device-${DEVICE_ID}`, 1);
        await receipt.subscribed;
        const vote = { id: 'vote-box-1', option: 'IFT1215', voter: 'box-1-voter-secret', source: 'button', ts: Date.now(), reply: `mqtt-classroom-device-${DEVICE_ID}` };
        await agent.publishAsync(`${PREFIX}/votes/cours`, JSON.stringify(vote), { qos: 1 });
        expect(JSON.parse((await receipt)[0]?.payload ?? '')).toMatchObject({ id: 'vote-box-1', status: 'counted' });
      } finally {
        await closeClient(agent);
      }
      await expect.poll(() => server.polls.get('cours').tally.counts.IFT1215).toBe(1);
    });
  });
}
