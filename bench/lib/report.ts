import { cpus, totalmem } from 'node:os';

export interface Row {
  benchmark: string;
  case: string;
  figure: string;
  reference: string;
  ratio: string;
  note?: string;
}

export function machine(): string {
  const cpu = cpus();
  return `${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}`;
}

/** A Markdown table: readable in a terminal and pasted as is into docs/performance.md. */
export function table(rows: readonly Row[]): string {
  const header: Row = { benchmark: 'benchmark', case: 'case', figure: 'figure', reference: 'reference (same run)', ratio: 'ratio', note: 'note' };
  const keys = ['benchmark', 'case', 'figure', 'reference', 'ratio', 'note'] as const;
  const all = [header, ...rows];
  const width = keys.map((k) => Math.max(...all.map((r) => (r[k] ?? '').length)));
  const line = (r: Row) => `| ${keys.map((k, i) => (r[k] ?? '').padEnd(width[i] ?? 0)).join(' | ')} |`;
  return [line(header), `| ${width.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.map(line)].join('\n');
}

export function fmt(value: number, unit = '', digits = 1): string {
  if (!Number.isFinite(value)) return 'n/a';
  const f = 10 ** digits;
  return `${(Math.round(value * f) / f).toLocaleString('en-US')}${unit}`;
}
