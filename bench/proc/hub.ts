/**
 * Bench child: the real server (embedded broker unless MQTT_URL is set) from the
 * environment, driven over IPC: `poll` creates and opens a poll, `probe` times the
 * votes of one poll and `stages` returns what the probes below saw (then stops
 * them), `stop` stops the server.
 */
import { loadServerEnv } from '../../runtime/env.js';
import { createLogger } from '../../runtime/logger.js';
import { TallyPublisher } from '../../server/publish/tally-publisher.js';
import { type NewPoll, startServer } from '../../server/index.js';
import { VoteLog } from '../../server/store/vote-log.js';

type Message = { type: 'poll'; poll: NewPoll } | { type: 'status' } | { type: 'probe'; pollId: string } | { type: 'stages' } | { type: 'stop' };

// The probes (bench/lib/stages.ts reads them), on for one poll from `probe` to
// `stages`, so the long tally runs keep nothing. Each records Date.now() around
// the original and changes nothing: when a vote reached the ingest (the row's own
// receivedAt, taken in MQTT.js's message event), when the group commit holding it
// began (the turn after) and returned (SQLite, fsync'd), when a snapshot of the
// poll was handed to MQTT.js, and its total.
let probing: string | null = null;
const receivedAt = new Map<string, number>();
const flushAt = new Map<string, number>();
const committedAt = new Map<string, number>();
const snapshots: [total: number, at: number][] = [];
const addVote = VoteLog.prototype.addVote;
VoteLog.prototype.addVote = function (this: VoteLog, row) {
  addVote.call(this, row);
  if (probing === row.pollId && row.voteId !== null && !receivedAt.has(row.voteId)) receivedAt.set(row.voteId, row.receivedAt);
};
type LogInside = { votes: { voteId: string | null }[]; ctx: { onCommit?: () => void } };
const flush = VoteLog.prototype.flush;
VoteLog.prototype.flush = function (this: VoteLog) {
  if (probing === null) return flush.call(this);
  const inside = this as unknown as LogInside;
  const start = Date.now();
  const batch = inside.votes.flatMap((row) => (row.voteId === null ? [] : [row.voteId]));
  for (const id of batch) if (!flushAt.has(id)) flushAt.set(id, start);
  const onCommit = inside.ctx.onCommit;
  inside.ctx.onCommit = () => {
    const at = Date.now();
    for (const id of batch) if (!committedAt.has(id)) committedAt.set(id, at);
    onCommit?.();
  };
  try {
    flush.call(this);
  } finally {
    inside.ctx.onCommit = onCommit;
  }
};
type PublisherInside = { lastAt: Map<string, number>; ctx: { snapshot(pollId: string): { total: number } | null } };
const publishSnapshot = (TallyPublisher.prototype as unknown as { publish(pollId: string, force: boolean): void }).publish;
(TallyPublisher.prototype as unknown as { publish(pollId: string, force: boolean): void }).publish = function (this: PublisherInside, pollId: string, force: boolean) {
  if (probing !== pollId) return publishSnapshot.call(this, pollId, force);
  const before = this.lastAt.get(pollId);
  publishSnapshot.call(this, pollId, force);
  const after = this.lastAt.get(pollId);
  if (after === undefined || after === before) return;
  snapshots.push([this.ctx.snapshot(pollId)?.total ?? 0, Date.now()]);
};

const config = loadServerEnv({ env: process.env, dotenvPath: null });
const server = await startServer({
  config,
  logger: createLogger({ level: config.logLevel, name: 'hub' }),
  ...(process.env.BENCH_WEB_ROOT ? { webRoot: process.env.BENCH_WEB_ROOT } : {}),
});
const send = (message: Record<string, unknown>) => process.send?.(message);
send({ type: 'ready', mqttUrl: server.mqttUrl, wsUrl: server.wsUrl, httpUrl: server.httpUrl });
process.on('message', (message: Message) => {
  if (message.type === 'poll') {
    server.polls.create(message.poll);
    server.polls.open(message.poll.id as string);
    send({ type: 'poll-open', id: message.poll.id });
  } else if (message.type === 'status') {
    send({ type: 'status', ...server.status() });
  } else if (message.type === 'probe') {
    probing = message.pollId;
    send({ type: 'probing' });
  } else if (message.type === 'stages') {
    const votes = [...receivedAt.keys()].map((id) => [id, receivedAt.get(id), flushAt.get(id) ?? null, committedAt.get(id) ?? null]);
    send({ type: 'stages', votes, snapshots: [...snapshots] });
    probing = null;
    for (const map of [receivedAt, flushAt, committedAt]) map.clear();
    snapshots.length = 0;
  } else if (message.type === 'stop') {
    void server.stop().then(() => process.exit(0));
  }
});
