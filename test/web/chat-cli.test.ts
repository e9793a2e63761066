/**
 * `mqtt-classroom chat --name NAME`: the terminal side of the class chat, on the
 * same topics as the chat page, against a real broker.
 */
import { PassThrough } from 'node:stream';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { chatLine, runChat } from '../../cli/commands/chat.js';
import { type TestEmbeddedBroker, startEmbedded } from '../harness/embedded.js';
import { closeClient, collect, connectClient } from '../harness/mqtt.js';
import { until } from '../harness/wait.js';

describe('terminal chat', () => {
  let broker: TestEmbeddedBroker;
  let other: MqttClient;

  beforeAll(async () => {
    broker = await startEmbedded();
    other = await connectClient(broker.url);
  });

  afterAll(async () => {
    if (other) await closeClient(other);
    await broker?.stop();
  });

  /** Resolves once a printed line satisfies `test`. */
  function waitForLine(lines: string[], test: (line: string) => boolean, timeoutMs = 10_000): Promise<string> {
    return until(() => lines.some(test), 'a printed line', { timeout: timeoutMs, interval: 20, detail: () => JSON.stringify(lines) }).then(() => lines.find(test) as string);
  }

  it('sends each typed line on classroom/chat/<name> and prints everyone’s messages', async () => {
    const input = new PassThrough();
    const printed: string[] = [];
    const status: string[] = [];
    const done = runChat({ name: 'Zoé', env: { MQTT_URL: broker.url }, dotenvPath: null, input, print: (l) => printed.push(l), status: (l) => status.push(l) });
    await waitForLine(status, (l) => l.startsWith('connected to'));

    const received = collect(other, 'classroom/chat/+', 1);
    await received.subscribed; // in place before Zoé speaks
    input.write('Bonjour la classe\n');
    expect(await received).toEqual([{ topic: 'classroom/chat/Zoé', payload: 'Bonjour la classe', retain: false }]);
    await waitForLine(printed, (l) => / Zoé: Bonjour la classe$/.test(l));

    await other.publishAsync('classroom/chat/Léo', 'Salut Zoé', { qos: 1 });
    await waitForLine(printed, (l) => / Léo: Salut Zoé$/.test(l));
    // A terminal escape sequence in someone's message is printed, not obeyed.
    await other.publishAsync('classroom/chat/Eve', '\u001b[2J\u001b[31mrouge', { qos: 1 });
    const escaped = await waitForLine(printed, (l) => l.includes(' Eve: '));
    expect(escaped).not.toContain('\u001b');
    // The shared codec replaces control characters with U+FFFD before the terminal sees them.
    expect(escaped).toMatch(/Eve: \uFFFD\[2J\uFFFD\[31mrouge$/);

    input.end(); // Ctrl-D
    await done;
  });

  it('refuses a name that cannot be a topic level, before connecting', async () => {
    await expect(
      runChat({ name: 'a/b', env: { MQTT_URL: broker.url }, dotenvPath: null, input: new PassThrough(), print: () => {}, status: () => {} }),
    ).rejects.toThrow(/chat name.*separator/);
    let err = '';
    const code = await main(['chat', '--name', 'deux mots'], { stdout: () => {}, stderr: (t) => (err += t), env: { MQTT_URL: broker.url } });
    expect(code).toBe(2);
    expect(err).toMatch(/chat name/);
  });

  it('keeps a multi-line message from passing for another person’s line', () => {
    const line = chatLine(new Date(2026, 0, 1, 9, 5, 7), 'Léo', 'ligne 1\nZoé: faux message');
    expect(line).toBe('09:05:07 Léo: ligne 1\n         Zoé: faux message');
  });
});
