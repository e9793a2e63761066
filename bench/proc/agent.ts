/**
 * Bench child: the real device agent from the environment and the device config
 * in BENCH_DEVICE (JSON). Logs at info as a classroom device would, but only
 * warnings reach stderr; "buttons now vote on poll" is reported over IPC, and on
 * request the times of the simulated presses and of each vote's stages here.
 */
import { Agent } from '../../device/agent.js';
import { parseDeviceConfig } from '../../device/config.js';
import { SimulationInput } from '../../device/inputs/simulation.js';
import { SqliteOutboxStore } from '../../device/outbox/sqlite-store.js';
import { Publisher } from '../../device/publisher.js';
import { loadDeviceEnv } from '../../runtime/env.js';
import { createLogger } from '../../runtime/logger.js';

const send = (message: Record<string, unknown>) => process.send?.(message);

// The probes (bench/lib/stages.ts reads them). Each only records Date.now() and
// calls the original: when each simulated button goes down (the press, before
// debounce, the outbox and MQTT); which vote each press made (the outbox's add, in
// the same call) and when the group commit holding it returned (fsync'd); when its
// first PUBLISH was handed to MQTT.js (written to the socket in that call).
const presses: number[] = [];
const inject = SimulationInput.prototype.inject;
SimulationInput.prototype.inject = function (this: SimulationInput, button: string, pressed: boolean) {
  if (pressed) presses.push(Date.now());
  inject.call(this, button, pressed);
};
// Stage probes only when asked (BENCH_STAGES=1): the agent-memory bench measures without them.
const staged = process.env.BENCH_STAGES === '1';
const ids: string[] = [];
let uncommitted: string[] = [];
const committedAt = new Map<string, number>();
const publishedAt = new Map<string, number>();
const add = SqliteOutboxStore.prototype.add;
if (staged) SqliteOutboxStore.prototype.add = function (this: SqliteOutboxStore, entry) {
  add.call(this, entry);
  ids.push(entry.id);
  uncommitted.push(entry.id);
};
const flush = SqliteOutboxStore.prototype.flush;
if (staged) SqliteOutboxStore.prototype.flush = function (this: SqliteOutboxStore) {
  const batch = uncommitted;
  uncommitted = [];
  const ok = flush.call(this);
  const at = Date.now();
  if (ok) for (const id of batch) committedAt.set(id, at);
  return ok;
};
const publish = Publisher.prototype.publish;
if (staged) Publisher.prototype.publish = function (this: Publisher, topic, payload, options) {
  const sent = publish.call(this, topic, payload, options);
  if (sent && topic.includes('/votes/')) {
    const id = (JSON.parse(payload) as { id?: string }).id;
    if (id !== undefined && !publishedAt.has(id)) publishedAt.set(id, Date.now());
  }
  return sent;
};

const agent = new Agent({
  env: loadDeviceEnv({ env: process.env, dotenvPath: null }),
  config: parseDeviceConfig(JSON.parse(process.env.BENCH_DEVICE ?? '{}')),
  logger: createLogger({
    level: 'info',
    write: (line) => {
      if (line.includes('now vote on poll')) send({ type: 'poll-known', line });
      else if (/ (WARN|ERROR) /.test(line)) process.stderr.write(`agent: ${line}\n`);
    },
  }),
  onInterrupt: () => undefined,
});
await agent.start();
send({ type: 'ready', at: Date.now() });
process.on('message', (message: { type?: string }) => {
  if (message.type === 'presses') {
    const stages = ids.map((id) => [id, committedAt.get(id) ?? null, publishedAt.get(id) ?? null]);
    send({ type: 'presses', times: presses, outbox: agent.outboxSize, stages });
  }
  if (message.type === 'stop') void agent.stop().then(() => process.exit(0));
});
