import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const UNIT = readFileSync(new URL('../../deploy/systemd/mqtt-classroom-device.service', import.meta.url), 'utf8');
const nodeOptions = () => /^Environment="?NODE_OPTIONS=([^"\n]*)"?$/m.exec(UNIT)?.[1]?.trim() ?? '';

/** The agent's memory flags (issue 17, item 4; docs/performance.md, "Agent memory"). */
describe('the device unit runs Node with flags for a small agent', () => {
  it('passes only flags Node accepts in NODE_OPTIONS (a refused one stops the unit from starting)', () => {
    expect(nodeOptions()).not.toBe('');
    const out = execFileSync(process.execPath, ['-e', 'process.stdout.write("ok")'], { env: { ...process.env, NODE_OPTIONS: nodeOptions() }, encoding: 'utf8' });
    expect(out).toBe('ok');
  });

  it("caps V8's worker pool at one thread (one per core otherwise, each with its own stack and malloc arena)", () => {
    expect(nodeOptions().split(/\s+/)).toContain('--v8-pool-size=1');
  });
});
