/**
 * Bench child: the real server (embedded broker unless MQTT_URL is set) from the
 * environment, driven over IPC: `poll` creates and opens a poll, `stop` stops it.
 */
import { loadServerEnv } from '../../runtime/env.js';
import { createLogger } from '../../runtime/logger.js';
import { type NewPoll, startServer } from '../../server/index.js';

type Message = { type: 'poll'; poll: NewPoll } | { type: 'status' } | { type: 'stop' };

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
  } else if (message.type === 'stop') {
    void server.stop().then(() => process.exit(0));
  }
});
