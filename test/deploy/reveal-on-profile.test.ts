import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IClientOptions } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadServerEnv } from '../../runtime/env.js';
import { type RunningServer, startServer } from '../../server/index.js';
import { closeClient, collect, connectClient } from '../harness/mqtt.js';
import { canRun } from '../harness/system-deps.js';
import { leaks, watchAsStudents } from '../server/reveal-watch.js';
import { DEVICE_ID, PREFIX } from './access-matrix.js';
import { type ProfileBroker, type ProfileName, startProfile } from './mosquitto-profile.js';

/**
 * Issue 15 item 3 on both Mosquitto profiles as shipped, with the hub configured
 * from make-accounts.sh's output (as test/deploy/hub-on-profile.test.ts): students
 * on `#` and on every topic the ACL lets them read see no correct answer until the
 * teacher reveals it; then the retained poll carries it. On the classroom profile a
 * student is anonymous on the plain listener the course handout uses; on the secure
 * one it is the public `voter` account on the TLS listener (what every phone and
 * laptop gets), whose ACL block is a separate copy that could drift.
 */
const PROFILES: { profile: ProfileName; deps: Parameters<typeof canRun> }[] = [
  { profile: 'classroom', deps: ['mosquitto'] },
  { profile: 'secure', deps: ['mosquitto', 'openssl'] },
];

for (const { profile, deps } of PROFILES) {
  describe.skipIf(!canRun(...deps))(`the correct answer on the ${profile} profile`, () => {
    let broker: ProfileBroker;
    let server: RunningServer;
    let dataDir: string;
    let studentUrl: string;
    let student: IClientOptions;

    beforeAll(async () => {
      broker = await startProfile(profile, [DEVICE_ID]);
      dataDir = mkdtempSync(join(tmpdir(), 'mqtt-classroom-reveal-'));
      const hub = broker.env.hub ?? {};
      const moved = (url: string) => url.replace(/:(\d+)$/, (_m, port: string) => `:${broker.port(Number(port))}`);
      if (profile === 'secure') {
        studentUrl = `mqtts://127.0.0.1:${broker.port(8883)}`;
        student = { ca: readFileSync(broker.caFile), username: hub.BROWSER_MQTT_USERNAME, password: hub.BROWSER_MQTT_PASSWORD };
      } else {
        studentUrl = `mqtt://127.0.0.1:${broker.port(1883)}`;
        student = {};
      }
      const config = loadServerEnv({
        env: { ...hub, MQTT_URL: moved(hub.MQTT_URL ?? ''), MQTT_WS_URL: moved(hub.MQTT_WS_URL ?? ''), HTTP_PORT: '0', HTTP_HOST: '127.0.0.1', DATA_DIR: dataDir, ADMIN_TOKEN: 'reveal-profile-token', LOG_LEVEL: 'silent' },
        dotenvPath: null,
      });
      server = await startServer({ config, brokerWaitMs: 5_000 });
    });
    afterAll(async () => {
      await server?.stop();
      await broker?.dispose();
      if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
    });

    it('no student topic carries it before the reveal; the reveal republishes the retained poll with it', async () => {
      if (profile === 'secure') expect(student.username).toBe('voter');
      const students = await watchAsStudents(studentUrl, PREFIX, student);
      try {
        server.polls.create({ id: 'quiz', question: 'Capitale ?', options: ['Paris', 'Lyon'], policy: 'one-per-voter', correct: 'Paris' });
        server.polls.open('quiz');
        const phone = await connectClient(studentUrl, { ...student, clientId: 'web-vote-p1' });
        try {
          const receipt = collect(phone, `${PREFIX}/receipts/web-vote-p1`, 1);
          await receipt.subscribed;
          await phone.publishAsync(`${PREFIX}/votes/quiz`, JSON.stringify({ id: 'p1', option: 'Lyon', voter: 'secret-p1', reply: 'web-vote-p1' }), { qos: 1 });
          expect(JSON.parse((await receipt)[0]?.payload ?? '{}')).toMatchObject({ status: 'counted' });
        } finally {
          await closeClient(phone);
        }
        await expect.poll(() => students.seen.filter((m) => m.topic === `${PREFIX}/tally/quiz`).length, { timeout: 10_000 }).toBeGreaterThan(1);
        expect(students.seen.some((m) => m.topic === `${PREFIX}/polls/quiz`)).toBe(true);
        expect(leaks(students)).toEqual([]);

        server.polls.reveal('quiz');
        await expect.poll(() => students.seen.some((m) => m.topic === `${PREFIX}/polls/quiz` && JSON.parse(m.text).correct === 'Paris'), { timeout: 10_000 }).toBe(true);
      } finally {
        await students.close();
      }
      const late = await connectClient(studentUrl, student);
      try {
        const [poll] = await collect(late, `${PREFIX}/polls/quiz`, 1);
        expect(JSON.parse(poll?.payload ?? '{}')).toMatchObject({ state: 'closed', correct: 'Paris' });
      } finally {
        await closeClient(late);
      }
    });
  });
}
