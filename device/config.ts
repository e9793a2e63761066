import { readFile } from 'node:fs/promises';
import { type BreadThresholds, DEFAULT_BREAD_THRESHOLDS, breadThresholdProblems } from '../shared/bread.js';
import { ConfigError, type ConfigProblem } from '../shared/errors/config-error.js';
import { configErrorFromZod, friendlyZodMessage } from '../shared/errors/zod-problems.js';
import { type RawBoard, type RawDeviceConfig, type RawInput, type RawSensor, deviceSchema } from './config-schema.js';

/** What a press or a long press does: vote for an option by position (1..N) or id. */
export interface VoteAction {
  readonly vote: number | string;
}

export interface ButtonConfig {
  readonly id: string;
  /** null: the press only publishes its button event. */
  readonly press: VoteAction | null;
  /** null: a hold publishes its `long-press` event and does nothing else. */
  readonly longPress: VoteAction | null;
  readonly holdMs: number;
}

export interface GpioButtonConfig extends ButtonConfig {
  /** BCM number, as printed on pinout diagrams (not the sysfs number). */
  readonly pin: number;
  readonly led: number | null;
  readonly activeLow: boolean;
}

export interface FirmataButtonConfig extends ButtonConfig {
  readonly pin: number | string;
  readonly led: number | string | null;
  readonly pullup: boolean;
  readonly invert: boolean;
}

export type InputConfig =
  | { readonly type: 'gpio'; readonly buttons: readonly GpioButtonConfig[]; readonly debounceMs: number; readonly chip: { label?: string; base?: number } | null }
  | { readonly type: 'firmata'; readonly board: string; readonly buttons: readonly FirmataButtonConfig[]; readonly debounceMs: number }
  | { readonly type: 'keyboard'; readonly buttons: readonly ButtonConfig[]; readonly releaseAfterMs: number }
  | {
      readonly type: 'simulation';
      readonly buttons: readonly ButtonConfig[];
      readonly ratePerSecond: number;
      readonly count: number | null;
      readonly pattern: 'round-robin' | 'random';
      readonly pressMs: number;
      readonly startAfterMs: number;
      readonly debounceMs: number;
    };

export type BoardTransport = { readonly kind: 'tcp'; readonly host: string; readonly port: number } | { readonly kind: 'serial'; readonly path: string; readonly baudRate: number };

export interface BoardConfig {
  readonly id: string;
  readonly transport: BoardTransport;
  readonly timeoutMs: number;
}

export type SensorConfig = RawSensor;

export interface BreadConfig {
  readonly sensor: SensorConfig;
  readonly intervalMs: number;
  readonly deltaC: number;
  readonly heartbeatMs: number;
  readonly thresholds: BreadThresholds;
  readonly topic: string;
  readonly temperatureTopic: string;
}

export interface OutboxConfig {
  readonly path: string | null;
  readonly maxEntries: number;
  readonly receiptTimeoutMs: number;
  readonly maxInFlight: number;
}

export interface DeviceConfig {
  readonly deviceId: string;
  readonly name: string;
  /** null: follow whichever poll is open. */
  readonly pollId: string | null;
  readonly inputs: readonly InputConfig[];
  readonly boards: readonly BoardConfig[];
  readonly bread: BreadConfig | null;
  readonly homeAssistant: { readonly prefix: string } | null;
  readonly outbox: OutboxConfig;
}

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
  const parsed = deviceSchema.safeParse(raw, { error: friendlyZodMessage });
  if (!parsed.success) throw configErrorFromZod(source, parsed.error.issues, { unknownField: 'unknown field: check its spelling (docs/device.md lists every field)' });
  const config = normalize(parsed.data);
  const problems = crossChecks(parsed.data, config);
  if (problems.length > 0) throw new ConfigError(source, problems);
  return deepFreeze(config);
}

function normalize(raw: RawDeviceConfig): DeviceConfig {
  let position = 0;
  const base = (b: { id?: string | undefined; press?: unknown; longPress?: unknown; holdMs?: number | undefined }, holdMs: number): ButtonConfig => {
    position += 1;
    return {
      id: b.id ?? String(position),
      press: b.press === undefined ? { vote: position } : toAction(b.press),
      longPress: b.longPress === undefined ? null : toAction(b.longPress),
      holdMs: b.holdMs ?? holdMs,
    };
  };
  const plain = (buttons: number | Parameters<typeof base>[0][], holdMs: number) =>
    (typeof buttons === 'number' ? Array.from({ length: buttons }, () => ({})) : buttons).map((b) => base(b, holdMs));
  const inputs = raw.inputs.map((input: RawInput): InputConfig => {
    switch (input.type) {
      case 'gpio':
        return {
          type: 'gpio',
          debounceMs: input.debounceMs,
          chip: input.chip ?? null,
          buttons: input.buttons.map((b) => ({ ...base(b, input.holdMs), pin: b.pin, led: b.led ?? null, activeLow: b.activeLow ?? input.activeLow })),
        };
      case 'firmata':
        return {
          type: 'firmata',
          board: input.board,
          debounceMs: input.debounceMs,
          buttons: input.buttons.map((b) => {
            const pullup = b.pullup ?? input.pullup;
            // Wired to ground with a pull-up, a pressed button reads LOW: invert by default.
            return { ...base(b, input.holdMs), pin: b.pin, led: b.led ?? null, pullup, invert: b.invert ?? input.invert ?? pullup };
          }),
        };
      case 'keyboard':
        return { type: 'keyboard', releaseAfterMs: input.releaseAfterMs, buttons: plain(input.buttons, input.holdMs) };
      case 'simulation':
        return {
          type: 'simulation',
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
  const boards = raw.boards.map(
    (b: RawBoard): BoardConfig => ({
      id: b.id,
      transport: b.host !== undefined ? { kind: 'tcp', host: b.host, port: b.port } : { kind: 'serial', path: b.serial ?? '', baudRate: b.baudRate },
      timeoutMs: b.timeoutMs,
    }),
  );
  const bread: BreadConfig | null =
    raw.bread === undefined
      ? null
      : {
          sensor: raw.bread.sensor,
          intervalMs: raw.bread.intervalMs,
          deltaC: raw.bread.deltaC,
          heartbeatMs: raw.bread.heartbeatMs,
          thresholds: { ...DEFAULT_BREAD_THRESHOLDS, ...stripUndefined(raw.bread.thresholds ?? {}) },
          topic: raw.bread.topic,
          temperatureTopic: raw.bread.temperatureTopic,
        };
  return {
    deviceId: raw.deviceId,
    name: raw.name ?? raw.deviceId,
    pollId: raw.pollId ?? null,
    inputs,
    boards,
    bread,
    homeAssistant: raw.homeAssistant.enabled ? { prefix: raw.homeAssistant.prefix } : null,
    outbox: { path: raw.outbox.path ?? null, maxEntries: raw.outbox.maxEntries, receiptTimeoutMs: raw.outbox.receiptTimeoutMs, maxInFlight: raw.outbox.maxInFlight },
  };
}

function toAction(value: unknown): VoteAction | null {
  return value === 'none' ? null : (value as VoteAction);
}

/** Problems that involve more than one field. */
function crossChecks(raw: RawDeviceConfig, config: DeviceConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const boardIds = new Map<string, number>();
  raw.boards.forEach((b, i) => {
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
  if (raw.bread !== undefined) {
    const sensor = raw.bread.sensor;
    if (sensor.type === 'firmata') {
      needBoard(sensor.board, 'bread.sensor.board');
      claimPin(`${sensor.board}:${sensor.pin}`, 'bread.sensor.pin', `pin ${sensor.pin} of board "${sensor.board}"`);
    }
    if (config.bread !== null) {
      for (const problem of breadThresholdProblems(config.bread.thresholds)) problems.push({ path: 'bread.thresholds', message: problem });
    }
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

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
