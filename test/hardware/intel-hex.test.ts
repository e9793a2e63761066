import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { IntelHexError, parseIntelHex } from '../harness/avr/intel-hex.js';
import { standardFirmataHexPath } from '../harness/avr/simulated-uno.js';

/** One data record, checksum computed, for the malformed-input cases. */
function record(address: number, bytes: number[], type = 0): string {
  const body = [bytes.length, address >> 8, address & 0xff, type, ...bytes];
  const sum = (0x100 - (body.reduce((a, b) => a + b, 0) & 0xff)) & 0xff;
  return `:${Buffer.from([...body, sum]).toString('hex').toUpperCase()}`;
}
const EOF_RECORD = ':00000001FF';

describe('Intel HEX loader for the simulated ATmega328P', () => {
  it('loads StandardFirmata as shipped by avrgirl-arduino, starting with its reset vector', () => {
    const flash = parseIntelHex(readFileSync(standardFirmataHexPath(), 'latin1'));
    expect(flash.length).toBe(16 * 1024);
    // Word 0 is `jmp <k>` (0x940C, little-endian bytes 0C 94 in the file): the reset vector.
    expect(flash[0]).toBe(0x940c);
  });

  it('places data at its address, little-endian words', () => {
    const flash = parseIntelHex([record(0x0010, [0x34, 0x12, 0x78, 0x56]), EOF_RECORD].join('\n'));
    expect(flash[8]).toBe(0x1234);
    expect(flash[9]).toBe(0x5678);
    expect(flash[0]).toBe(0);
  });

  it('rejects a record whose checksum is wrong', () => {
    const good = record(0, [1, 2, 3]);
    const bad = `${good.slice(0, -2)}${good.endsWith('00') ? '01' : '00'}`;
    expect(() => parseIntelHex([bad, EOF_RECORD].join('\n'))).toThrow(IntelHexError);
    expect(() => parseIntelHex([bad, EOF_RECORD].join('\n'))).toThrow(/line 1: bad checksum/);
  });

  it('rejects a truncated file (no end-of-file record)', () => {
    expect(() => parseIntelHex(record(0, [1, 2]))).toThrow(/truncated/);
  });

  it('rejects data beyond the 32 KB of flash, also through an extended address', () => {
    expect(() => parseIntelHex([record(0x8000, [1, 2]), EOF_RECORD].join('\n'))).toThrow(/does not fit/);
    // Type 04 sets the upper 16 address bits: 0x0001_0000 + 0 is past the flash.
    expect(() => parseIntelHex([record(0, [0x00, 0x01], 0x04), record(0, [1, 2]), EOF_RECORD].join('\n'))).toThrow(/0x10000/);
  });
});
