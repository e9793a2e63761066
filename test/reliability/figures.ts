import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The figures of docs/reliability.md, written by the tests themselves: each test
 * file records one row per fault or input class (how many tried, what was lost,
 * what was counted twice) and writes them to test-output/reliability/<file>.json
 * in afterAll; `render-table.ts` turns every such file into the table. Nothing in
 * the table is typed by hand.
 */
export const FIGURES_DIR = join(process.cwd(), 'test-output', 'reliability');

/** SOAK=1 selects the full counts (npm run test:soak); the default run is small. */
export const SOAK = process.env.SOAK === '1';

/** `small` in the default run, `soak` under SOAK=1. */
export function scale(small: number, soak: number): number {
  return SOAK ? soak : small;
}

export interface FigureRow {
  /** Group in the table: "flaky network", "process faults", "bad input", ... */
  readonly area: string;
  /** The fault or input class, as a reader would name it. */
  readonly what: string;
  /** Where it ran (broker, pages). */
  readonly where: string;
  /** How many votes, payloads, connections or attempts were tried. */
  readonly tried: number;
  /** The unit of `tried`: votes, payloads, connections... */
  readonly unit: string;
  /** Expected-but-missing (must be zero). */
  readonly lost: number;
  /** Counted more than once, or accepted when it should have been refused (must be zero). */
  readonly wrong: number;
  /** What happened to them, in words with numbers ("counted 512; rejected too-large 40"). */
  readonly outcome: string;
}

export class Figures {
  private readonly rows: FigureRow[] = [];

  constructor(private readonly file: string) {}

  add(row: FigureRow): void {
    this.rows.push(row);
  }

  /** Writes this file's rows (called in afterAll, also when a test failed: failures show as lost > 0). */
  write(): void {
    mkdirSync(FIGURES_DIR, { recursive: true });
    const record = {
      file: this.file,
      mode: SOAK ? 'soak' : 'small',
      at: new Date().toISOString(),
      rows: this.rows,
    };
    writeFileSync(join(FIGURES_DIR, `${this.file}.json`), `${JSON.stringify(record, null, 2)}\n`);
  }
}
