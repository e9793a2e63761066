import type { z } from 'zod';
import { ConfigError, type ConfigProblem } from './config-error.js';

/**
 * The one way a zod failure becomes a ConfigError, for `device.json` and the
 * environment alike: every issue at once, each naming its field.
 */
export interface ZodProblemOptions {
  /** How a field is named to the user: a JSON path by default, an environment variable for `.env`. */
  name?: (path: readonly PropertyKey[]) => string;
  /** What the user wrote there, quoted after the message (`(got "loud")`); undefined: nothing added. */
  input?: (path: readonly PropertyKey[]) => string | undefined;
  /** Said of a field the schema does not know (strict objects). */
  unknownField?: string;
}

export function configErrorFromZod(source: string, issues: readonly z.core.$ZodIssue[], options: ZodProblemOptions = {}): ConfigError {
  return new ConfigError(source, issues.flatMap((issue) => zodProblems(issue, options)));
}

function zodProblems(issue: z.core.$ZodIssue, options: ZodProblemOptions): ConfigProblem[] {
  const name = options.name ?? ((path) => formatPath(path) || '(top level)');
  if (issue.code === 'unrecognized_keys') {
    const message = options.unknownField ?? 'unknown field: check its spelling';
    return issue.keys.map((key) => ({ path: name([...issue.path, key]), message }));
  }
  const got = options.input?.(issue.path);
  return [{ path: name(issue.path), message: got === undefined ? issue.message : `${issue.message} (got ${JSON.stringify(got)})` }];
}

/** `inputs[0].buttons[2].pin`, the way people point at a field in a JSON file. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out === '' ? String(key) : `${out}.${String(key)}`), '');
}

const EXPECTED: Record<string, string> = {
  array: 'a list [...]',
  object: 'an object {...}',
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
};

/** Readable messages for zod's generic issues, passed as `{ error }` to `safeParse` (a schema's own messages win). */
export function friendlyZodMessage(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code === 'invalid_type') {
    const expected = EXPECTED[issue.expected] ?? issue.expected;
    if (issue.input === undefined) return `is required (${expected})`;
    return `expected ${expected}, got ${describe(issue.input)}`;
  }
  if (issue.code === 'invalid_value') return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  if (issue.code === 'too_small') return `must be at least ${String(issue.minimum)}${issue.origin === 'array' ? ' items' : ''}`;
  if (issue.code === 'too_big') return `must be at most ${String(issue.maximum)}${issue.origin === 'array' ? ' items' : ''}`;
  return undefined;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `text ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}
