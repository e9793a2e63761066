import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeAccess } from '../../cli/commands/broker.js';
import { loadBrokerEnv } from '../../runtime/env.js';
import { SERVER_ACCOUNT, hubAccountName } from '../../server/access/accounts.js';
import { ClusterNode } from '../../server/broker/cluster.js';
import type { ConfigProblem } from '../../shared/errors/config-error.js';
import { type AccessTarget, type Action, DEVICE_ID, OTHER_DEVICE_ID, PREFIX, type Subject, accessMatrix, connectAs, expected, observe } from '../deploy/access-matrix.js';
import { aedesSpy } from '../harness/aedes-spy.js';
import { type RedisServer, startRedis } from '../harness/redis.js';
import { canRun } from '../harness/system-deps.js';

/**
 * The access matrix of the embedded broker and the Mosquitto profiles
 * (test/deploy/access-matrix.ts), on each node of a two-node cluster that serves
 * two rooms, once per room: the nodes run the same access hooks
 * (server/broker/access-hooks.ts) with the accounts and rules
 * `mqtt-classroom broker --cluster … --prefix classroom --prefix salle-14` builds
 * (nodeAccess). Each room's hub has its own account (HUB_ACCOUNTS) and may use its
 * own room's topics only: room 1's hub can neither read nor write room 2's.
 */
const ROOMS = [PREFIX, 'salle-14'] as const;
const PASSWORDS = { server: 'server-secret', device: 'box-1-secret', other: 'box-2-secret', voter: 'voter-public', hub1: 'hub-classroom-secret', hub2: 'hub-salle-14-secret' };
const COMMON: Record<'anonymous' | 'voter' | 'device', Subject> = {
  anonymous: { label: 'anonymous', who: 'public' },
  voter: { label: 'voter', who: 'public', username: 'voter', password: PASSWORDS.voter },
  device: { label: `device ${DEVICE_ID}`, who: 'device', username: DEVICE_ID, password: PASSWORDS.device },
};
const HUBS: Record<(typeof ROOMS)[number], Subject> = {
  [PREFIX]: { label: hubAccountName(PREFIX), who: 'server', username: hubAccountName(PREFIX), password: PASSWORDS.hub1 },
  'salle-14': { label: hubAccountName('salle-14'), who: 'server', username: hubAccountName('salle-14'), password: PASSWORDS.hub2 },
};

describe.skipIf(!canRun('redis-server'))('access rules on every cluster node, per room', () => {
  let redis: RedisServer;
  const nodes: ClusterNode[] = [];
  const targets: AccessTarget[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    const config = loadBrokerEnv({
      env: {
        SERVER_MQTT_PASSWORD: PASSWORDS.server,
        DEVICE_ACCOUNTS: `${DEVICE_ID}:${PASSWORDS.device},${OTHER_DEVICE_ID}:${PASSWORDS.other}`,
        HUB_ACCOUNTS: `${PREFIX}:${PASSWORDS.hub1},salle-14:${PASSWORDS.hub2}`,
        BROWSER_MQTT_USERNAME: 'voter',
        BROWSER_MQTT_PASSWORD: PASSWORDS.voter,
      },
      dotenvPath: null,
    });
    for (let i = 0; i < 2; i++) {
      const problems: ConfigProblem[] = [];
      const access = nodeAccess(config, ROOMS, problems);
      expect(problems).toEqual([]);
      const node = new ClusterNode({ redisUrl: redis.url, host: '127.0.0.1', mqttPort: 0, wsPort: 0, access });
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

  it("covers today's topics: device info, the leaderboard, the bake", () => {
    const families = accessMatrix('salle-14').map((row) => `${row.family} ${row.topic}`);
    expect(families).toEqual(expect.arrayContaining(['own device info salle-14/devices/box-1/info', 'quiz leaderboard salle-14/leaderboard', 'bake start salle-14/bread/bake']));
  });

  for (const index of [0, 1]) {
    for (const room of ROOMS) {
      for (const [account, subject] of [...Object.entries(COMMON), ['hub', HUBS[room]] as const]) {
        for (const action of ['publish', 'subscribe'] as Action[]) {
          it(`node ${'AB'[index]}, room ${room}: what ${account} may ${action}`, async () => {
            expect(await observe(targets[index] as AccessTarget, subject, action, { prefix: room })).toEqual(expected(subject.who, action, room));
          });
        }
      }
    }

    for (const action of ['publish', 'subscribe'] as Action[]) {
      it(`node ${'AB'[index]}: room ${PREFIX}'s hub may not ${action} on room salle-14's topics`, async () => {
        const other = 'salle-14';
        // What the hub may do outside any room (the bread readings) stays; every topic of the other room is refused.
        const want = Object.fromEntries(accessMatrix(other).map((row) => [row.family, row.topic.startsWith(`${other}/`) ? false : row[action].server]));
        expect(await observe(targets[index] as AccessTarget, HUBS[PREFIX], action, { prefix: other, sentinelPrefix: PREFIX })).toEqual(want);
      });
    }
  }

  it(`the plain ${SERVER_ACCOUNT} account is the first room's hub only`, async () => {
    const plain: Subject = { label: SERVER_ACCOUNT, who: 'server', username: SERVER_ACCOUNT, password: PASSWORDS.server };
    expect(await observe(targets[0] as AccessTarget, plain, 'publish', { prefix: PREFIX })).toEqual(expected('server', 'publish', PREFIX));
    const other = accessMatrix('salle-14').filter((row) => row.topic.startsWith('salle-14/'));
    const got = await observe(targets[1] as AccessTarget, plain, 'publish', { prefix: 'salle-14', sentinelPrefix: PREFIX });
    expect(other.filter((row) => got[row.family])).toEqual([]);
  });

  it("a room's hub account is refused with another room's password, and its client id is reserved", async () => {
    const target = targets[0] as AccessTarget;
    await expect(target.connect({ ...HUBS['salle-14'], password: PASSWORDS.hub1 })).rejects.toThrow();
    await expect(target.connect(COMMON.anonymous, { clientId: 'mqtt-classroom-server-salle-14' })).rejects.toThrow();
    await expect(target.connect(HUBS[PREFIX], { clientId: 'mqtt-classroom-server-salle-14' })).rejects.toThrow();
  });
});
