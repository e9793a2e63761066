import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Agent } from '../../device/agent.js';
import { parseDeviceConfig } from '../../device/config.js';
import { loadDeviceEnv } from '../../runtime/env.js';
import { silentLogger } from '../../runtime/logger.js';
import { encodePoll } from '../../shared/codecs/poll.js';
import { samplePoll } from '../../shared/poll.js';
import { startEmbedded } from '../harness/embedded.js';
import { closeClient, connectClient } from '../harness/mqtt.js';
import { until } from '../harness/wait.js';
import { createFakeGpio } from './fakes/fake-gpio.js';
import { PI5_CHIPS, fakeGpioSysfs } from './fakes/fake-sysfs.js';

/** The Pi 5 header's sysfs base in the fake tree. */
const BASE = 571;
/** The `correct` pattern as the LED pin sees it: on, off, on, off, on, off. */
const CORRECT = [1, 0, 1, 0, 1, 0];

/**
 * Issue 15 item 3: when the teacher reveals the answer, a box's LED shows it on the
 * button that votes for it (by position or by option id), in its own pattern;
 * buttons without a LED do nothing, the others stay dark.
 */
describe('a box shows the revealed answer on the correct button', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('blinks the LED of the buttons voting for the correct option, once per reveal, through the agent with fake GPIO', async () => {
    const broker = await startEmbedded();
    cleanups.push(() => broker.stop());
    const sysfs = fakeGpioSysfs(PI5_CHIPS);
    cleanups.push(() => sysfs.dispose());
    const dataDir = mkdtempSync(join(tmpdir(), 'reveal-leds-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const fake = createFakeGpio();
    const config = parseDeviceConfig({
      deviceId: 'box-1',
      inputs: [
        {
          type: 'gpio',
          buttons: [
            { pin: 17, led: 5 }, // position 1
            { pin: 27, led: 6 }, // position 2
            { pin: 22, led: 13 }, // position 3: the correct one
            { pin: 23 }, // position 4, no LED
            { pin: 24, led: 19, press: { vote: 'IFT1065' } }, // the correct option by id
          ],
        },
      ],
    });
    const env = loadDeviceEnv({ env: { MQTT_URL: broker.url, DATA_DIR: dataDir }, dotenvPath: null });
    const agent = new Agent({ env, config, logger: silentLogger, Gpio: fake.Gpio, gpioRoot: sysfs.root, backoff: { initialMs: 50, maxMs: 200 } });
    cleanups.push(() => agent.stop());
    const teacher = await connectClient(broker.url);
    cleanups.push(() => closeClient(teacher));
    const poll = { ...samplePoll('quiz'), state: 'open' as const, openedAt: 1_000 };
    await teacher.publishAsync('classroom/polls/quiz', encodePoll(poll), { qos: 1, retain: true });
    await agent.start();
    await until(() => agent.targetPoll()?.id === 'quiz', 'the agent to follow the quiz', { timeout: 10_000 });
    const led = (bcm: number) => fake.pin(BASE + bcm)!;
    expect([5, 6, 13, 19].map((bcm) => led(bcm).written)).toEqual([[], [], [], []]);

    // The reveal: the hub closes the poll and republishes it with `correct` (IFT1065 is the 3rd option).
    await teacher.publishAsync('classroom/polls/quiz', encodePoll({ ...poll, state: 'closed', correct: 'IFT1065' }), { qos: 1, retain: true });
    await until(() => led(13).written.length >= CORRECT.length && led(19).written.length >= CORRECT.length, 'the correct pattern on LEDs 13 and 19', { timeout: 10_000 });
    expect(led(13).written).toEqual(CORRECT);
    expect(led(19).written).toEqual(CORRECT);
    expect(led(5).written).toEqual([]);
    expect(led(6).written).toEqual([]);
    expect(led(13).level).toBe(0);

    // The same reveal again (a reconnect's retained copy) is not replayed; a reveal of the next question is.
    await teacher.publishAsync('classroom/polls/quiz', encodePoll({ ...poll, state: 'closed', correct: 'IFT1065' }), { qos: 1, retain: true });
    const next = { ...samplePoll('quiz-2'), state: 'closed' as const, openedAt: 2_000, correct: 'IFT1215' };
    await teacher.publishAsync('classroom/polls/quiz-2', encodePoll(next), { qos: 1, retain: true });
    await until(() => led(5).written.length >= CORRECT.length, 'the correct pattern on LED 5', { timeout: 10_000 });
    expect(led(5).written).toEqual(CORRECT);
    expect(led(13).written).toEqual(CORRECT);
  });
});
