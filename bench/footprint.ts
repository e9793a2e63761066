/**
 * Footprint that is not a process: the pages' script bytes, raw and gzip, beside
 * the `mqtt.min.js` the original course loaded from a CDN (measured from
 * node_modules in the same run), and a bare Node child's memory and start-up as
 * the floor for the agent's and the server's.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type Entry, rssMb, spawnChild } from './lib/children.js';

export interface Bytes {
  raw: number;
  gzip: number;
}

const size = (data: Buffer): Bytes => ({ raw: data.length, gzip: gzipSync(data, { level: 9 }).length });

/** Script bytes of each built page: every `<script src>` of its HTML, summed. */
export function pageScripts(dir: string): Record<string, Bytes> {
  const pages: Record<string, Bytes> = {};
  for (const html of readdirSync(dir).filter((f) => f.endsWith('.html') && f !== 'index.html')) {
    const text = readFileSync(join(dir, html), 'utf8');
    const total: Bytes = { raw: 0, gzip: 0 };
    for (const match of text.matchAll(/<script[^>]*\ssrc="\/?([^"]+)"/g)) {
      const bytes = size(readFileSync(join(dir, match[1] as string)));
      total.raw += bytes.raw;
      total.gzip += bytes.gzip;
    }
    pages[html.replace(/\.html$/, '')] = total;
  }
  return pages;
}

export function courseMqttJs(root: string): Bytes {
  return size(readFileSync(join(root, 'node_modules', 'mqtt', 'dist', 'mqtt.min.js')));
}

/** A bare Node child (IPC only): resident memory and spawn -> ready. */
export async function nodeFloor(entries: Record<Entry, string>): Promise<{ rssMb: number; startupMs: number }> {
  const child = spawnChild(entries.idle, {});
  try {
    await child.next('ready');
    const startupMs = Date.now() - child.spawnedAt;
    await new Promise((r) => setTimeout(r, 300));
    return { rssMb: rssMb(child.pid), startupMs };
  } finally {
    await child.stop();
  }
}
