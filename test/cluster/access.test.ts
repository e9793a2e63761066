import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccessRules } from '../../server/access/access-rules.js';
import { Accounts, SERVER_ACCOUNT } from '../../server/access/accounts.js';
import { ClusterNode } from '../../server/broker/cluster.js';
import { createTopics } from '../../shared/topics.js';
import { type AccessTarget, type Action, DEVICE_ID, OTHER_DEVICE_ID, PREFIX, type Subject, connectAs, expected, observe } from '../deploy/access-matrix.js';
import { aedesSpy } from '../harness/aedes-spy.js';
import { type RedisServer, startRedis } from '../harness/redis.js';
import { canRun } from '../harness/system-deps.js';

/**
 * The access matrix of the embedded broker and the Mosquitto profiles
 * (test/deploy/access-matrix.ts), on each node of a two-node cluster: the nodes
 * run the same access hooks (server/broker/access-hooks.ts), wired as
 * `mqtt-classroom broker --cluster` wires them.
 */
const PASSWORDS = { server: 'server-secret', device: 'box-1-secret', other: 'box-2-secret', voter: 'voter-public' };
const SUBJECTS: Record<'anonymous' | 'voter' | 'device' | 'server', Subject> = {
  anonymous: { label: 'anonymous', who: 'public' },
  voter: { label: 'voter', who: 'public', username: 'voter', password: PASSWORDS.voter },
  device: { label: `device ${DEVICE_ID}`, who: 'device', username: DEVICE_ID, password: PASSWORDS.device },
  server: { label: SERVER_ACCOUNT, who: 'server', username: SERVER_ACCOUNT, password: PASSWORDS.server },
};

describe.skipIf(!canRun('redis-server'))('access rules on every cluster node', () => {
  let redis: RedisServer;
  const nodes: ClusterNode[] = [];
  const targets: AccessTarget[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    for (let i = 0; i < 2; i++) {
      const accounts = new Accounts({
        serverPassword: PASSWORDS.server,
        devices: new Map([
          [DEVICE_ID, PASSWORDS.device],
          [OTHER_DEVICE_ID, PASSWORDS.other],
        ]),
        browser: { username: 'voter', password: PASSWORDS.voter },
      });
      const node = new ClusterNode({
        redisUrl: redis.url,
        host: '127.0.0.1',
        mqttPort: 0,
        wsPort: 0,
        access: { rules: createAccessRules({ topics: createTopics({ prefix: PREFIX }), voteTopic: null }), accounts },
      });
      await node.start();
      nodes.push(node);
      const url = `mqtt://127.0.0.1:${node.mqttPort}`;
      // The spy is on the subject's node: aedes 1.2 PUBACKs before it forwards, so
      // only one node's order makes the sentinel a sound "nothing more is coming".
      targets.push({ connect: (subject, options) => connectAs(url, subject, options), spy: aedesSpy(node.broker) });
    }
  }, 30_000);
  afterAll(async () => {
    for (const node of nodes) await node.stop();
    await redis?.dispose();
  });

  for (const index of [0, 1]) {
    for (const [account, subject] of Object.entries(SUBJECTS)) {
      for (const action of ['publish', 'subscribe'] as Action[]) {
        it(`node ${'AB'[index]}: what ${account} may ${action}`, async () => {
          expect(await observe(targets[index] as AccessTarget, subject, action)).toEqual(expected(subject.who, action));
        });
      }
    }
  }
});
