/**
 * `npm run bench` prints one table of figures, each beside a reference measured in
 * the same run (the machines are shared and noisy: compare ratios, not absolutes).
 * `npm run bench -- --quick` is the smoke check CI runs: smaller counts, same table.
 */
import { randomUUID } from 'node:crypto';
import { brokers } from './brokers.js';
import { type Row, fmt, machine, table } from './lib/report.js';
import { rawPassThrough } from './raw-throughput.js';
import { bytesPerMessage } from './wire-bytes.js';

const quick = process.argv.includes('--quick');

async function main(): Promise<void> {
  const started = performance.now();
  const rows: Row[] = [];
  const list = await brokers();
  try {
    for (const broker of list) {
      const count = quick ? 5_000 : 50_000;
      const raw = await rawPassThrough(broker.url, count);
      rows.push({
        benchmark: 'raw broker pass-through (QoS 1)',
        case: `${broker.name}, ${count.toLocaleString('en-US')} msgs`,
        figure: fmt(raw.perSecond, ' msg/s', 0),
        reference: '-',
        ratio: '-',
        note: 'the ceiling for the tally server',
      });
      const vote = await bytesPerMessage(
        broker.url,
        'classroom/votes/cours',
        () => JSON.stringify({ id: randomUUID(), option: 'IFT1215', voter: 'boitier-1', source: 'button', ts: Date.now() }),
        1,
        false,
        quick ? 50 : 500,
      );
      rows.push({
        benchmark: 'bytes on the wire per vote',
        case: `${broker.name}, QoS 1 JSON vote`,
        figure: fmt(vote.sentPerMessage + vote.readPerMessage, ' B MQTT', 0),
        reference: fmt(vote.withTcpPerMessage, ' B with TCP/IP', 0),
        ratio: '-',
        note: `PUBLISH ${fmt(vote.sentPerMessage, ' B', 0)} + PUBACK ${fmt(vote.readPerMessage, ' B', 0)}`,
      });
      const reading = await bytesPerMessage(broker.url, 'pain/cuisson/temperature', () => (80 + Math.random() * 10).toFixed(1), 1, true, quick ? 50 : 500);
      rows.push({
        benchmark: 'bytes on the wire per bread reading',
        case: `${broker.name}, retained QoS 1`,
        figure: fmt(reading.sentPerMessage + reading.readPerMessage, ' B MQTT', 0),
        reference: fmt(reading.withTcpPerMessage, ' B with TCP/IP', 0),
        ratio: '-',
      });
    }
  } finally {
    for (const broker of list) await broker.stop();
  }
  process.stdout.write(`\nmqtt-classroom benchmarks${quick ? ' (--quick)' : ''} on ${machine()}\n\n${table(rows)}\n\n`);
  process.stdout.write(`finished in ${fmt((performance.now() - started) / 1000, ' s')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
