/**
 * A small leveled logger passed in through each component's context (no global).
 * Lines go to stderr so stdout stays for what a command prints on purpose.
 */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** A logger whose lines are tagged with a component name. */
  child(name: string): Logger;
}

export interface LoggerOptions {
  level?: LogLevel;
  name?: string;
  write?: (line: string) => void;
  now?: () => Date;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? 'info';
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const now = options.now ?? (() => new Date());
  const make = (name: string | undefined): Logger => {
    const emit = (at: LogLevel, message: string, fields?: Record<string, unknown>) => {
      if (RANK[at] < RANK[level]) return;
      const time = now().toISOString().slice(11, 23);
      const tag = name === undefined ? '' : ` [${name}]`;
      const extra = fields === undefined ? '' : ` ${formatFields(fields)}`;
      write(`${time} ${at.toUpperCase().padEnd(5)}${tag} ${message}${extra}`);
    };
    return {
      debug: (m, f) => emit('debug', m, f),
      info: (m, f) => emit('info', m, f),
      warn: (m, f) => emit('warn', m, f),
      error: (m, f) => emit('error', m, f),
      child: (child) => make(name === undefined ? child : `${name}/${child}`),
    };
  };
  return make(options.name);
}

/** A logger that drops everything (tests, benchmarks). */
export const silentLogger: Logger = createLogger({ level: 'silent' });

function formatFields(fields: Record<string, unknown>): string {
  return Object.entries(fields)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? JSON.stringify(value) : String(value instanceof Error ? value.message : value)}`)
    .join(' ');
}
