import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { parseDeviceConfig } from '../../../device/config.js';
import type { ButtonEvent } from '../../../device/inputs/input.js';
import { KeyboardInput, type KeyboardInputConfig } from '../../../device/inputs/keyboard.js';
import { SimulationInput, type SimulationInputConfig } from '../../../device/inputs/simulation.js';
import { silentLogger } from '../../../runtime/logger.js';
import { ManualScheduler } from '../../harness/manual-scheduler.js';

const input = <T>(raw: object) => parseDeviceConfig({ deviceId: 'd', inputs: [raw] }).inputs[0] as T;

describe('KeyboardInput', () => {
  class Pipe extends EventEmitter {
    resume() {}
    pause() {}
  }

  it('turns Ctrl-C into an interrupt (raw mode swallows SIGINT) and ignores other keys', async () => {
    const scheduler = new ManualScheduler();
    const stdin = new Pipe();
    const events: ButtonEvent[] = [];
    let interrupted = 0;
    const keyboard = new KeyboardInput({
      config: input<KeyboardInputConfig>({ type: 'keyboard', buttons: 3 }),
      stdin,
      onInterrupt: () => (interrupted += 1),
      logger: silentLogger,
      scheduler,
      emit: (e) => events.push(e),
    });
    await keyboard.start();
    stdin.emit('data', 'x4 0\r');
    stdin.emit('data', '3');
    stdin.emit('data', '\u0003');
    expect(events.map((e) => [e.button, e.type])).toEqual([
      ['3', 'down'],
      ['3', 'press'],
    ]);
    expect(interrupted).toBe(1);
    await keyboard.stop();
  });
  it('every keystroke is a press: key 2 typed four times 0.6 s apart makes four presses (issue 14 item 5)', async () => {
    const scheduler = new ManualScheduler();
    const stdin = new Pipe();
    const events: ButtonEvent[] = [];
    const keyboard = new KeyboardInput({ config: input<KeyboardInputConfig>({ type: 'keyboard', buttons: 3 }), stdin, logger: silentLogger, scheduler, emit: (e) => events.push(e) });
    await keyboard.start();
    for (let i = 0; i < 4; i += 1) {
      stdin.emit('data', '2');
      scheduler.advance(600);
    }
    // Typed faster than any release could be seen (a paste, a held key's repeats): still one press each.
    stdin.emit('data', '333');
    scheduler.advance(1_000);
    expect(events.filter((e) => e.type === 'press').map((e) => e.button)).toEqual(['2', '2', '2', '2', '3', '3', '3']);
    expect(events.filter((e) => e.type === 'long-press')).toEqual([]);
    await keyboard.stop();
    expect(scheduler.pending).toBe(0);
  });

  it('Shift+digit (the character a US keyboard gives: ! @ #) is a long press, which the banner explains', async () => {
    const scheduler = new ManualScheduler();
    const stdin = new Pipe();
    const events: ButtonEvent[] = [];
    const lines: string[] = [];
    const logger = { ...silentLogger, info: (line: string) => void lines.push(line) };
    const config = parseDeviceConfig({ deviceId: 'd', inputs: [{ type: 'keyboard', buttons: [{ longPress: { vote: 'B' } }, {}] }] }).inputs[0] as KeyboardInputConfig;
    const keyboard = new KeyboardInput({ config, stdin, logger, scheduler, emit: (e) => events.push(e) });
    await keyboard.start();
    expect(lines.join('\n')).toMatch(/Shift\+1\.\.2 \(! @\)[^\n]*long press/);
    stdin.emit('data', '!');
    scheduler.advance(1_000);
    stdin.emit('data', '1');
    scheduler.advance(1_000);
    expect(events.filter((e) => e.type === 'press' || e.type === 'long-press').map((e) => [e.button, e.type])).toEqual([
      ['1', 'long-press'],
      ['1', 'press'],
    ]);
    await keyboard.stop();
  });
});

describe('SimulationInput', () => {
  it('makes `count` presses at the rate, round-robin, then resolves finished', async () => {
    const scheduler = new ManualScheduler();
    const events: ButtonEvent[] = [];
    const sim = new SimulationInput({
      config: input<SimulationInputConfig>({ type: 'simulation', buttons: 3, ratePerSecond: 10, count: 7, startAfterMs: 500 }),
      logger: silentLogger,
      scheduler,
      emit: (e) => events.push(e),
    });
    let finished = false;
    void sim.finished.then(() => (finished = true));
    await sim.start();
    scheduler.advance(499);
    expect(events).toEqual([]);
    scheduler.advance(1 + 6 * 100 + 100);
    await Promise.resolve();
    const presses = events.filter((e) => e.type === 'press').map((e) => e.button);
    expect(presses).toEqual(['1', '2', '3', '1', '2', '3', '1']);
    expect(events.filter((e) => e.type === 'up')).toHaveLength(7);
    expect(finished).toBe(true);
    scheduler.advance(10_000);
    expect(events.filter((e) => e.type === 'press')).toHaveLength(7);
    await sim.stop();
    expect(scheduler.pending).toBe(0);
  });

  it('picks buttons with the injected randomness for the random pattern', async () => {
    const scheduler = new ManualScheduler();
    const events: ButtonEvent[] = [];
    const sequence = [0.9, 0.1, 0.5, 0.9];
    const sim = new SimulationInput({
      config: input<SimulationInputConfig>({ type: 'simulation', buttons: 3, ratePerSecond: 100, count: 4, pattern: 'random' }),
      random: () => sequence.shift() ?? 0,
      logger: silentLogger,
      scheduler,
      emit: (e) => events.push(e),
    });
    await sim.start();
    scheduler.advance(1_000);
    expect(events.filter((e) => e.type === 'press').map((e) => e.button)).toEqual(['3', '1', '2', '3']);
    await sim.stop();
  });
});
