import type { AedesPublishPacket } from 'aedes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccessRules } from '../../server/access/access-rules.js';
import { Accounts, SERVER_ACCOUNT } from '../../server/access/accounts.js';
import { EmbeddedBroker } from '../../server/broker/embedded-broker.js';
import { createTopics } from '../../shared/topics.js';
import { until } from '../harness/wait.js';
import {
  type AccessTarget,
  type Action,
  DEVICE_ID,
  OTHER_DEVICE_ID,
  PREFIX,
  type Spy,
  type Subject,
  connectAs,
  expected,
  observe,
} from './access-matrix.js';

/**
 * The same table as the Mosquitto profiles (access-matrix.ts), against the
 * embedded broker wired the way server/index.ts wires it: createAccessRules with
 * the topic prefix and no legacy vote topic, accounts for the server, the devices
 * (DEVICE_ACCOUNTS) and the browsers' `voter` account.
 */
const PASSWORDS = { server: 'server-secret', device: 'box-1-secret', other: 'box-2-secret', voter: 'voter-public' };
const SUBJECTS: Record<'anonymous' | 'voter' | 'device' | 'server', Subject> = {
  anonymous: { label: 'anonymous', who: 'public' },
  voter: { label: 'voter', who: 'public', username: 'voter', password: PASSWORDS.voter },
  device: { label: `device ${DEVICE_ID}`, who: 'device', username: DEVICE_ID, password: PASSWORDS.device },
  server: { label: SERVER_ACCOUNT, who: 'server', username: SERVER_ACCOUNT, password: PASSWORDS.server },
};

/** The spy goes through aedes' in-process API, which no access hook sees. */
function aedesSpy(broker: EmbeddedBroker): Spy {
  const aedes = broker.broker;
  return {
    async watch(topic) {
      const seen: string[] = [];
      const deliver = (packet: AedesPublishPacket, done: () => void) => {
        if (packet.topic === topic) seen.push(Buffer.from(packet.payload).toString('utf8'));
        done();
      };
      await new Promise<void>((resolve) => aedes.subscribe(topic, deliver, resolve));
      return {
        seen,
        waitFor: (payload, timeoutMs = 5_000) => until(() => seen.includes(payload), `the spy to see "${payload}" on ${topic}`, { timeout: timeoutMs, interval: 5 }),
        stop: () => new Promise<void>((resolve) => aedes.unsubscribe(topic, deliver, resolve)),
      };
    },
    publish(topic, payload) {
      return new Promise<void>((resolve, reject) =>
        aedes.publish({ cmd: 'publish', topic, payload: Buffer.from(payload), qos: 1, retain: false, dup: false }, (error) =>
          error ? reject(error) : resolve(),
        ),
      );
    },
  };
}

describe('embedded broker access rules (server/access, server/broker/access-hooks.ts)', () => {
  let broker: EmbeddedBroker;
  let target: AccessTarget;

  beforeAll(async () => {
    const topics = createTopics({ prefix: PREFIX });
    const accounts = new Accounts({
      serverPassword: PASSWORDS.server,
      devices: new Map([
        [DEVICE_ID, PASSWORDS.device],
        [OTHER_DEVICE_ID, PASSWORDS.other],
      ]),
      browser: { username: 'voter', password: PASSWORDS.voter },
    });
    broker = new EmbeddedBroker({
      host: '127.0.0.1',
      mqttPort: 0,
      wsPort: 0,
      access: { rules: createAccessRules({ topics, voteTopic: null }), accounts },
    });
    await broker.start();
    const url = `mqtt://127.0.0.1:${broker.mqttPort}`;
    target = { connect: (subject, options) => connectAs(url, subject, options), spy: aedesSpy(broker) };
  });
  afterAll(async () => {
    await broker?.stop();
  });

  for (const [account, subject] of Object.entries(SUBJECTS)) {
    for (const action of ['publish', 'subscribe'] as Action[]) {
      it(`access matrix: what ${account} may ${action}`, async () => {
        expect(await observe(target, subject, action)).toEqual(expected(subject.who, action));
      });
    }
  }
});
