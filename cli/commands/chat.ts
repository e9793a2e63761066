/**
 * `mqtt-classroom chat --name NAME`: the class chat in a terminal. Each line typed
 * is published on `<prefix>/chat/<NAME>`; every message on `<prefix>/chat/+` is
 * printed as `hh:mm:ss name: text` (yours too, once the broker has it). The same
 * topics as the chat page and `mosquitto_pub -t classroom/chat/Zoé -m Bonjour`.
 */
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { loadChatEnv } from '../../runtime/env.js';
import { MqttConnection } from '../../runtime/mqtt/connection.js';
import { chatName, decodeChat, encodeChat } from '../../shared/codecs/chat.js';
import { assertId } from '../../shared/ids.js';
import { createTopics } from '../../shared/topics.js';
import { ClassroomError } from '../../shared/errors/classroom-error.js';

/** `chat` without a name. */
export class ChatUsageError extends ClassroomError {
  override readonly name = 'ChatUsageError';
}

export interface ChatOptions {
  name: string;
  env: NodeJS.ProcessEnv;
  /** Lines to send (process.stdin); the chat ends when it ends (Ctrl-D) or on Ctrl-C. */
  input: NodeJS.ReadableStream;
  /** Chat lines (stdout). */
  print: (line: string) => void;
  /** Status lines (stderr). */
  status: (line: string) => void;
  /** `.env` to read; default `./.env` when present. */
  dotenvPath?: string | null;
}

export async function runChat(options: ChatOptions): Promise<void> {
  if (options.name.trim() === '') throw new ChatUsageError('give your name: mqtt-classroom chat --name Zoé (or chat clear | chat mute NAME for the teacher)');
  const name = assertId('chat name', chatName(options.name));
  const config = loadChatEnv({ env: options.env, ...(options.dotenvPath === undefined ? {} : { dotenvPath: options.dotenvPath }) });
  const topics = createTopics({ prefix: config.topicPrefix });
  const { urls, username, password } = config.mqtt;
  const url = urls.join(', ');

  const connection = new MqttConnection({
    url: urls,
    clientId: `mqtt-classroom-chat-${randomBytes(5).toString('hex')}`,
    clean: true,
    username,
    password,
    onConnect: (client) => {
      client.subscribe(topics.allChat, { qos: 0 });
      options.status(`connected to ${url} as ${name}: type a line and press Enter to send it (Ctrl-D to leave)`);
    },
    onStateChange: (state) => {
      if (state === 'reconnecting') options.status(`lost ${url}, reconnecting… (lines typed meanwhile are sent when it is back)`);
    },
  });
  connection.client.on('message', (topic, payload) => {
    const message = decodeChat(topics, topic, payload);
    if (message === null || !message.ok) return;
    options.print(chatLine(new Date(), message.value.name, message.value.text ?? '(unreadable message)'));
  });
  options.status(`connecting to ${url}…`);
  connection.start();

  const lines = createInterface({ input: options.input, terminal: false });
  lines.on('line', (line) => {
    const payload = encodeChat(line);
    if (!payload.ok) {
      if (payload.reason === 'too-large') options.status(`not sent: ${payload.detail}`);
      return;
    }
    // QoS 1: MQTT.js keeps it while the connection is down and sends it on reconnect.
    connection.client.publish(topics.chat(name), payload.value, { qos: 1 });
  });
  lines.on('SIGINT', () => lines.close());
  await new Promise<void>((resolve) => lines.once('close', resolve));
  await connection.stop();
}

/**
 * One printable line. Names and texts come from anyone: control characters
 * (terminal escape sequences) and bidirectional overrides are shown as `?`, and a
 * multi-line message is indented so it cannot pass for another person's line.
 */
export function chatLine(at: Date, name: string, text: string): string {
  const time = at.toTimeString().slice(0, 8);
  const body = safe(text).split('\n').join('\n         ');
  return `${time} ${safe(name).replace(/\n/g, '?')}: ${body}`;
}

function safe(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '?');
}
