/**
 * Renders the figures the reliability tests wrote (test-output/reliability/*.json)
 * into the table of docs/reliability.md, between its `figures:start` and
 * `figures:end` markers. Run after the suite:
 *   npx vitest run test/reliability && node --import tsx test/reliability/render-table.ts
 * (`npm run test:soak` does both with the full counts).
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { FIGURES_DIR, type FigureRow } from './figures.js';

const DOC = join(process.cwd(), 'docs', 'reliability.md');
const ORDER = ['flaky network', 'process faults', 'bad input', 'hostile clients', 'browser'];

interface Record {
  file: string;
  mode: 'small' | 'soak';
  at: string;
  rows: FigureRow[];
}

const records: Record[] = existsSync(FIGURES_DIR)
  ? readdirSync(FIGURES_DIR)
      .filter((f) => f.endsWith('.json'))
      .map((f) => JSON.parse(readFileSync(join(FIGURES_DIR, f), 'utf8')) as Record)
  : [];
if (records.length === 0) {
  console.error(`no figures in ${FIGURES_DIR}: run npx vitest run test/reliability first`);
  process.exit(1);
}
const rows = records.flatMap((r) => r.rows).sort((a, b) => ORDER.indexOf(a.area) - ORDER.indexOf(b.area));
const modes = [...new Set(records.map((r) => r.mode))];
const dates = records.map((r) => r.at).sort();
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/\n/g, ' ');
const lines = [
  `Run: ${modes.join(' + ')} counts, ${dates[0]?.slice(0, 16).replace('T', ' ')} to ${dates.at(-1)?.slice(0, 16).replace('T', ' ')} UTC, Node ${process.version}, ${cpus().length} CPU cores.`,
  '',
  '| area | fault or input | where | tried | lost | counted twice or wrongly accepted | what happened |',
  '| --- | --- | --- | ---: | ---: | ---: | --- |',
  ...rows.map((r) => `| ${r.area} | ${cell(r.what)} | ${cell(r.where)} | ${r.tried.toLocaleString('en-US')} ${r.unit} | ${r.lost} | ${r.wrong} | ${cell(r.outcome)} |`),
  '',
  `Total: ${rows.reduce((n, r) => n + r.lost, 0)} lost, ${rows.reduce((n, r) => n + r.wrong, 0)} counted twice or wrongly accepted.`,
];
const doc = readFileSync(DOC, 'utf8');
const start = '<!-- figures:start -->';
const end = '<!-- figures:end -->';
const from = doc.indexOf(start);
const to = doc.indexOf(end);
if (from < 0 || to < from) throw new Error(`${DOC} has no ${start} ... ${end} block`);
writeFileSync(DOC, `${doc.slice(0, from + start.length)}\n${lines.join('\n')}\n${doc.slice(to)}`);
console.log(`docs/reliability.md: ${rows.length} rows from ${records.length} files (${modes.join(', ')})`);
