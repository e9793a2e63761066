import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { breadThresholdProblems } from '../shared/bread.js';
import { ConfigError, type ConfigProblem } from '../shared/errors/config-error.js';
import { configErrorFromZod, friendlyZodMessage } from '../shared/errors/zod-problems.js';
import { type RawAction, type RawBoard, type RawDeviceConfig, type RawInput, deviceSchema } from './config-schema.js';

/**
 * The agent's configuration is what `deviceConfigSchema` outputs: the checked
 * `device.json` (config-schema.ts, where every default is) normalized below
 * (buttons numbered across inputs, a board's transport, Home Assistant on or
 * off). Every type here is derived from it, none written twice.
 */
export const deviceConfigSchema = deviceSchema.transform(normalize);

type DeepReadonly<T> = T extends readonly (infer U)[] ? readonly DeepReadonly<U>[] : T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;

export type DeviceConfig = DeepReadonly<z.output<typeof deviceConfigSchema>>;
export type InputConfig = DeviceConfig['inputs'][number];
type InputOf<T extends InputConfig['type']> = Extract<InputConfig, { readonly type: T }>;
/** What every button has, whatever its back end. */
export type ButtonConfig = InputOf<'keyboard'>['buttons'][number];
export type GpioButtonConfig = InputOf<'gpio'>['buttons'][number];
export type FirmataButtonConfig = InputOf<'firmata'>['buttons'][number];
/** What a press or a long press does: vote for an option by position (1..N) or id. */
export type VoteAction = NonNullable<ButtonConfig['press']>;
export type BoardConfig = DeviceConfig['boards'][number];
export type BoardTransport = BoardConfig['transport'];
export type BreadConfig = NonNullable<DeviceConfig['bread']>;
export type SensorConfig = BreadConfig['sensor'];
export type OutboxConfig = DeviceConfig['outbox'];

/** Reads and checks `device.json`; every problem is reported at once in a ConfigError. */
export async function loadDeviceConfig(path: string): Promise<DeviceConfig> {
  const source = `The device configuration ${path}`;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'the file does not exist' : `it cannot be read (${code ?? String(error)})`;
    throw new ConfigError(source, [
      { path: '(file)', message: `${why}: pass --config with the path of your device.json (examples in deploy/device.*.example.json)` },
    ]);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(source, [{ path: '(file)', message: `not valid JSON: ${error instanceof Error ? error.message : String(error)}` }]);
  }
  return parseDeviceConfig(raw, source);
}

/** Checks an already parsed object; `source` names it in the error. */
export function parseDeviceConfig(raw: unknown, source = 'The device configuration'): DeviceConfig {
  const parsed = deviceConfigSchema.safeParse(raw, { error: friendlyZodMessage });
  if (!parsed.success) throw configErrorFromZod(source, parsed.error.issues, { unknownField: 'unknown field: check its spelling (docs/device.md lists every field)' });
  const problems = crossChecks(parsed.data);
  if (problems.length > 0) throw new ConfigError(source, problems);
  return deepFreeze(parsed.data);
}

/** A button as written: its id, actions and hold time may be left out. */
interface WrittenButton {
  id?: string | undefined;
  press?: RawAction | undefined;
  longPress?: RawAction | undefined;
  holdMs?: number | undefined;
}

function normalize(raw: RawDeviceConfig) {
  let position = 0;
  // Buttons are numbered across inputs, so two boards of two buttons make options 1..4.
  const base = (b: WrittenButton, holdMs: number) => {
    position += 1;
    return {
      id: b.id ?? String(position),
      /** null: the press only publishes its button event. */
      press: b.press === undefined ? { vote: position as number | string } : toAction(b.press),
      /** null: a hold publishes its `long-press` event and does nothing else. */
      longPress: b.longPress === undefined ? null : toAction(b.longPress),
      holdMs: b.holdMs ?? holdMs,
    };
  };
  const plain = (buttons: number | WrittenButton[], holdMs: number) =>
    (typeof buttons === 'number' ? Array.from({ length: buttons }, (): WrittenButton => ({})) : buttons).map((b) => base(b, holdMs));
  const inputs = raw.inputs.map((input: RawInput) => {
    switch (input.type) {
      case 'gpio':
        return {
          type: 'gpio' as const,
          debounceMs: input.debounceMs,
          chip: input.chip ?? null,
          buttons: input.buttons.map((b) => ({
            ...base(b, input.holdMs),
            /** BCM number, as printed on pinout diagrams (not the sysfs number). */
            pin: b.pin,
            led: b.led ?? null,
            activeLow: b.activeLow ?? input.activeLow,
          })),
        };
      case 'firmata':
        return {
          type: 'firmata' as const,
          board: input.board,
          debounceMs: input.debounceMs,
          buttons: input.buttons.map((b) => {
            const pullup = b.pullup ?? input.pullup;
            // Wired to ground with a pull-up, a pressed button reads LOW: invert by default.
            return { ...base(b, input.holdMs), pin: b.pin, led: b.led ?? null, pullup, invert: b.invert ?? input.invert ?? pullup };
          }),
        };
      case 'keyboard':
        return { type: 'keyboard' as const, buttons: plain(input.buttons, input.holdMs) };
      case 'simulation':
        return {
          type: 'simulation' as const,
          buttons: plain(input.buttons, input.holdMs),
          ratePerSecond: input.ratePerSecond,
          count: input.count,
          pattern: input.pattern,
          pressMs: input.pressMs,
          startAfterMs: input.startAfterMs,
          debounceMs: input.debounceMs,
        };
    }
  });
  const boards = raw.boards.map((b: RawBoard) => ({
    id: b.id,
    transport:
      b.host !== undefined
        ? { kind: 'tcp' as const, host: b.host, port: b.port, heartbeatMs: b.heartbeatMs }
        : { kind: 'serial' as const, path: b.serial ?? '', baudRate: b.baudRate },
    timeoutMs: b.timeoutMs,
  }));
  return {
    deviceId: raw.deviceId,
    name: raw.name ?? raw.deviceId,
    /** null: follow whichever poll is open. */
    pollId: raw.pollId ?? null,
    /** The quiz team its votes carry; null for none. */
    team: raw.team ?? null,
    inputs,
    boards,
    bread: raw.bread ?? null,
    homeAssistant: raw.homeAssistant.enabled ? { prefix: raw.homeAssistant.prefix } : null,
    outbox: raw.outbox,
  };
}

function toAction(value: RawAction): Exclude<RawAction, 'none'> | null {
  return value === 'none' ? null : value;
}

/** Problems that involve more than one field. */
function crossChecks(config: DeviceConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const boardIds = new Map<string, number>();
  config.boards.forEach((b, i) => {
    if (boardIds.has(b.id)) problems.push({ path: `boards[${i}].id`, message: `board id "${b.id}" is used twice (also boards[${boardIds.get(b.id)}])` });
    boardIds.set(b.id, i);
  });
  const needBoard = (board: string, path: string) => {
    if (!boardIds.has(board)) {
      const known = [...boardIds.keys()];
      problems.push({ path, message: `no board "${board}" in "boards"${known.length > 0 ? ` (known: ${known.join(', ')})` : ': add it there with its host or serial path'}` });
    }
  };
  const buttonIds = new Map<string, string>();
  const pinsInUse = new Map<string, string>();
  const claimPin = (key: string, path: string, what: string) => {
    const other = pinsInUse.get(key);
    if (other !== undefined) problems.push({ path, message: `${what} is already used by ${other}` });
    else pinsInUse.set(key, path);
  };
  let keyboards = 0;
  config.inputs.forEach((input, i) => {
    if (input.type === 'firmata') needBoard(input.board, `inputs[${i}].board`);
    if (input.type === 'keyboard') keyboards += 1;
    input.buttons.forEach((button, j) => {
      const path = `inputs[${i}].buttons[${j}]`;
      const other = buttonIds.get(button.id);
      if (other !== undefined) problems.push({ path: `${path}.id`, message: `button id "${button.id}" is also used by ${other}: give each button its own "id"` });
      else buttonIds.set(button.id, path);
      if (input.type === 'gpio') {
        const b = button as GpioButtonConfig;
        claimPin(`gpio:${b.pin}`, `${path}.pin`, `GPIO ${b.pin}`);
        if (b.led !== null) claimPin(`gpio:${b.led}`, `${path}.led`, `GPIO ${b.led}`);
      }
      if (input.type === 'firmata') {
        const b = button as FirmataButtonConfig;
        claimPin(`${input.board}:${b.pin}`, `${path}.pin`, `pin ${b.pin} of board "${input.board}"`);
        if (b.led !== null) claimPin(`${input.board}:${b.led}`, `${path}.led`, `pin ${b.led} of board "${input.board}"`);
      }
    });
  });
  config.inputs.forEach((input, i) => {
    if (input.type !== 'simulation' || input.debounceMs === 0) return;
    const longest = simulatedPressMs(input);
    if (longest <= input.debounceMs) {
      problems.push({
        path: `inputs[${i}].debounceMs`,
        message: `at ${input.ratePerSecond} presses/s over ${input.buttons.length} buttons a simulated press lasts ${longest} ms, not longer than debounceMs (${input.debounceMs}): lower ratePerSecond or debounceMs`,
      });
    }
  });
  if (keyboards > 1) problems.push({ path: 'inputs', message: 'only one keyboard input is possible (there is one keyboard)' });
  if (config.bread !== null) {
    const sensor = config.bread.sensor;
    if (sensor.type === 'firmata') {
      needBoard(sensor.board, 'bread.sensor.board');
      claimPin(`${sensor.board}:${sensor.pin}`, 'bread.sensor.pin', `pin ${sensor.pin} of board "${sensor.board}"`);
    }
    for (const problem of breadThresholdProblems(config.bread.thresholds)) problems.push({ path: 'bread.thresholds', message: problem });
  }
  if (config.inputs.length === 0 && config.bread === null) {
    problems.push({ path: 'inputs', message: 'nothing to do: list at least one input (gpio, firmata, keyboard, simulation) or a "bread" sensor' });
  }
  return problems;
}

/**
 * How long a simulated press is held: `pressMs`, shortened at high rates so a
 * button is up again before its next turn (else presses would merge).
 */
export function simulatedPressMs(input: Extract<InputConfig, { type: 'simulation' }>): number {
  const perButtonPeriod = (1000 / input.ratePerSecond) * (input.pattern === 'round-robin' ? input.buttons.length : 1);
  return Math.max(1, Math.min(input.pressMs, Math.floor(perButtonPeriod / 2)));
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
