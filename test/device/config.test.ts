import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDeviceConfig, parseDeviceConfig } from '../../device/config.js';
import { ConfigError } from '../../shared/errors/config-error.js';

function problems(raw: unknown): { path: string; message: string }[] {
  try {
    parseDeviceConfig(raw);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const pathsOf = (raw: unknown) => problems(raw).map((p) => p.path);

describe('device config', () => {
  it('fills defaults: buttons vote for their position, 30 ms debounce, active-low with pull-up', () => {
    const config = parseDeviceConfig({ deviceId: 'box-1', inputs: [{ type: 'gpio', buttons: [{ pin: 17 }, { pin: 27, id: 'rouge' }] }] });
    expect(config.pollId).toBeNull();
    expect(config.inputs[0]).toMatchObject({
      type: 'gpio',
      debounceMs: 30,
      buttons: [
        { id: '1', pin: 17, activeLow: true, press: { vote: 1 }, longPress: null, holdMs: 800, led: null },
        { id: 'rouge', pin: 27, press: { vote: 2 } },
      ],
    });
    expect(Object.isFrozen(config.inputs[0])).toBe(true);
  });

  it('numbers buttons across inputs so two boards make options 1..4', () => {
    const config = parseDeviceConfig({
      deviceId: 'box-1',
      boards: [{ id: 'esp32', host: '192.168.1.50' }, { id: 'uno', serial: '/dev/ttyACM0' }],
      inputs: [
        { type: 'firmata', board: 'esp32', buttons: [{ pin: 4 }, { pin: 5 }] },
        { type: 'firmata', board: 'uno', buttons: [{ pin: 2 }, { pin: 3, pullup: false }] },
      ],
    });
    const buttons = config.inputs.flatMap((i) => i.buttons);
    expect(buttons.map((b) => [b.id, b.press])).toEqual([
      ['1', { vote: 1 }],
      ['2', { vote: 2 }],
      ['3', { vote: 3 }],
      ['4', { vote: 4 }],
    ]);
    // A pulled-up button reads LOW when pressed: inverted unless said otherwise.
    expect(buttons.map((b) => ('invert' in b ? b.invert : null))).toEqual([true, true, true, false]);
    expect(config.boards[0]).toEqual({ id: 'esp32', transport: { kind: 'tcp', host: '192.168.1.50', port: 3030, heartbeatMs: 2_000 }, timeoutMs: 15_000 });
    expect(config.boards[1]?.transport).toEqual({ kind: 'serial', path: '/dev/ttyACM0', baudRate: 57_600 });
  });

  it('maps press and long press to different actions, or none', () => {
    const config = parseDeviceConfig({
      deviceId: 'box-1',
      pollId: 'cours',
      inputs: [{ type: 'keyboard', buttons: [{ press: { vote: 'IFT1215' }, longPress: { vote: 'MAT1400' }, holdMs: 1200 }, { press: 'none' }] }],
    });
    expect(config.pollId).toBe('cours');
    expect(config.inputs[0]?.buttons).toEqual([
      { id: '1', press: { vote: 'IFT1215' }, longPress: { vote: 'MAT1400' }, holdMs: 1200 },
      { id: '2', press: null, longPress: null, holdMs: 800 },
    ]);
  });

  it('lists every field problem at once, each with its path', () => {
    const found = problems({
      deviceId: 'box 1',
      inputs: [
        { type: 'gpio', debouce: 3, buttons: [{ pin: 17 }, { pin: 'x' }, { pin: 4, press: { vote: 0 } }] },
        { type: 'firmata', board: 'esp', buttons: [{ pin: 'B3' }] },
        { type: 'laser' },
      ],
      boards: [{ id: 'uno' }],
      colour: 'blue',
    });
    expect(found.map((p) => p.path).sort()).toEqual(
      [
        'boards[0]',
        'colour',
        'deviceId',
        'inputs[0].buttons[1].pin',
        'inputs[0].buttons[2].press.vote',
        'inputs[0].debouce',
        'inputs[1].buttons[0].pin',
        'inputs[2].type',
      ].sort(),
    );
    const message = (path: string) => found.find((p) => p.path === path)?.message ?? '';
    expect(message('deviceId')).toContain('no spaces');
    expect(message('inputs[0].debouce')).toContain('unknown field');
    expect(message('inputs[0].buttons[1].pin')).toContain('BCM');
    expect(message('inputs[1].buttons[0].pin')).toContain('"A0"');
    expect(message('inputs[2].type')).toContain('gpio, firmata, keyboard, simulation');
    expect(message('boards[0]')).toContain('"host"');
  });

  it('says what is missing when a required field is absent', () => {
    expect(problems({ inputs: [{ type: 'gpio' }] })).toEqual(
      expect.arrayContaining([
        { path: 'deviceId', message: expect.stringContaining('required') },
        { path: 'inputs[0].buttons', message: expect.stringContaining('required') },
      ]),
    );
  });

  it('checks what spans fields: unknown boards, pins and ids used twice, thresholds', () => {
    const found = problems({
      deviceId: 'box-1',
      boards: [{ id: 'uno', serial: '/dev/ttyACM0' }],
      inputs: [
        { type: 'gpio', buttons: [{ pin: 17 }, { pin: 17 }, { pin: 22, led: 17 }] },
        { type: 'firmata', board: 'esp32', buttons: [{ pin: 4, id: '1' }] },
        { type: 'keyboard', buttons: 2 },
        { type: 'keyboard', buttons: 1 },
      ],
      bread: { sensor: { type: 'firmata', board: 'mega', pin: 'A0' }, thresholds: { readyAt: 30 } },
    });
    expect(found.map((p) => p.path)).toEqual(
      expect.arrayContaining([
        'inputs[0].buttons[1].pin',
        'inputs[0].buttons[2].led',
        'inputs[1].board',
        'inputs[1].buttons[0].id',
        'inputs',
        'bread.sensor.board',
        'bread.thresholds',
      ]),
    );
    expect(found.find((p) => p.path === 'inputs[1].board')?.message).toBe('no board "esp32" in "boards" (known: uno)');
    expect(found.find((p) => p.path === 'inputs[0].buttons[1].pin')?.message).toBe('GPIO 17 is already used by inputs[0].buttons[0].pin');
    expect(found.find((p) => p.path === 'bread.thresholds')?.message).toContain('bakingAt < readyAt < burntAt');
  });

  it('refuses a simulation whose presses are shorter than its debounce', () => {
    expect(pathsOf({ deviceId: 'd', inputs: [{ type: 'simulation', buttons: 4, ratePerSecond: 200, debounceMs: 30 }] })).toEqual(['inputs[0].debounceMs']);
  });

  it('keeps the bread topics and the Home Assistant prefix the broker allows, and refuses any other', () => {
    const sensor = { type: 'simulated' };
    const fixed = parseDeviceConfig({ deviceId: 'd', bread: { sensor, topic: 'pain/cuisson' }, homeAssistant: { prefix: 'homeassistant' } });
    expect(fixed.bread).toMatchObject({ topic: 'pain/cuisson', temperatureTopic: 'pain/cuisson/temperature' });
    expect(fixed.homeAssistant).toEqual({ prefix: 'homeassistant' });
    expect(parseDeviceConfig({ deviceId: 'd', bread: { sensor }, homeAssistant: true }).homeAssistant).toEqual({ prefix: 'homeassistant' });
    expect(parseDeviceConfig({ deviceId: 'd', bread: { sensor }, homeAssistant: { enabled: false } }).homeAssistant).toBeNull();
    expect(problems({ deviceId: 'd', bread: { sensor, topic: 'maison/four', temperatureTopic: 'maison/four/t' }, homeAssistant: { prefix: 'ha' } })).toEqual([
      { path: 'bread.topic', message: expect.stringContaining('must be "pain/cuisson"') },
      { path: 'bread.temperatureTopic', message: expect.stringContaining('must be "pain/cuisson/temperature"') },
      { path: 'homeAssistant.prefix', message: expect.stringContaining('must be "homeassistant"') },
    ]);
    expect(pathsOf({ deviceId: 'd', bread: { sensor }, homeAssistant: 'yes' })).toEqual(['homeAssistant']);
  });

  it('fills the outbox, Home Assistant and bread defaults from the schema, keeping what is given', () => {
    const sensor = { type: 'simulated' };
    const config = parseDeviceConfig({ deviceId: 'd', bread: { sensor, thresholds: { readyAt: 90, burntAfterMs: null } } });
    expect(config.outbox).toEqual({ path: null, maxEntries: 10_000, receiptTimeoutMs: 10_000, maxInFlight: 50 });
    expect(config.homeAssistant).toBeNull();
    expect(config.bread?.thresholds).toEqual({ bakingAt: 40, readyAt: 90, burntAt: 99, hysteresis: 1.5, burntAfterMs: null });
    expect(parseDeviceConfig({ deviceId: 'd', bread: { sensor }, outbox: { maxInFlight: 5 } }).outbox).toEqual({ path: null, maxEntries: 10_000, receiptTimeoutMs: 10_000, maxInFlight: 5 });
    expect(parseDeviceConfig({ deviceId: 'd', bread: { sensor } }).bread?.thresholds.burntAfterMs).toBe(20 * 60 * 1000);
  });

  it('refuses a config that does nothing', () => {
    expect(problems({ deviceId: 'box-1' })).toEqual([{ path: 'inputs', message: expect.stringContaining('nothing to do') }]);
  });

  describe('from a file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'device-config-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('names the file and the fix when it is missing', async () => {
      const error = await loadDeviceConfig(join(dir, 'nope.json')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toContain('nope.json');
      expect((error as Error).message).toContain('does not exist');
    });

    it('reports bad JSON with what the parser saw', async () => {
      const file = join(dir, 'bad.json');
      writeFileSync(file, '{"deviceId": "box-1",\n "inputs": [}');
      const error = (await loadDeviceConfig(file).catch((e: unknown) => e)) as ConfigError;
      expect(error.problems[0]).toEqual({ path: '(file)', message: expect.stringMatching(/^not valid JSON: .*inputs/) });
    });

    it("accepts the README's example", () => {
      const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
      const section = readme.slice(readme.indexOf('### Device configuration'));
      const json = /```json\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
      const config = parseDeviceConfig(JSON.parse(json));
      expect(config.inputs.flatMap((i) => i.buttons.map((b) => b.id))).toEqual(['rouge', 'vert', 'a']);
    });

    it('loads the example configs of deploy/', async () => {
      for (const name of ['device.pi.example.json', 'device.esp32.example.json']) {
        const config = await loadDeviceConfig(new URL(`../../deploy/${name}`, import.meta.url).pathname);
        expect(config.inputs.length).toBeGreaterThan(0);
        expect(config.bread).not.toBeNull();
      }
    });
  });
});
