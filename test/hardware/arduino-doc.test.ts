import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDeviceConfig } from '../../device/config.js';

/*
 * docs/arduino.md tells a teacher what to put in device.json for an Uno. A reader
 * copies it as is, so it must pass the agent's own validation and mean what the
 * page says.
 */
const page = readFileSync(new URL('../../docs/arduino.md', import.meta.url), 'utf8');

function jsonBlocks(markdown: string): unknown[] {
  return [...markdown.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1] ?? ''));
}

describe('docs/arduino.md', () => {
  it('gives a device.json example the agent accepts, for a USB serial board at StandardFirmata speed', () => {
    const [example] = jsonBlocks(page);
    const config = parseDeviceConfig(example, 'docs/arduino.md');
    expect(config.boards).toEqual([{ id: 'uno', transport: { kind: 'serial', path: '/dev/ttyACM0', baudRate: 57_600 }, timeoutMs: 15_000 }]);
    const [input] = config.inputs;
    expect(input?.type).toBe('firmata');
    if (input?.type !== 'firmata') return;
    // As the page says: pull-up on by default, LED on the built-in pin 13.
    expect(input.buttons.map((b) => [b.id, b.pin, b.pullup, b.led])).toEqual([
      ['a', 2, true, 13],
      ['b', 3, true, null],
      ['c', 4, true, null],
    ]);
    expect(input.debounceMs).toBe(30);
  });
});
