/**
 * Intel HEX to AVR flash. The avrgirl-arduino hex files are plain application
 * images starting at address 0 (no bootloader, no extended address records beyond
 * type 02/04 = 0), so the bytes go straight into the program memory, which avr8js
 * reads as little-endian 16-bit words.
 */

/** ATmega328P: 32 KB of flash. */
export const ATMEGA328P_FLASH_BYTES = 32 * 1024;

export class IntelHexError extends Error {
  override readonly name = 'IntelHexError';
}

export function parseIntelHex(text: string, flashBytes = ATMEGA328P_FLASH_BYTES): Uint16Array {
  const flash = new Uint16Array(flashBytes / 2);
  const bytes = new Uint8Array(flash.buffer);
  let base = 0;
  let sawEnd = false;
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length && !sawEnd; n += 1) {
    const line = (lines[n] ?? '').trim();
    if (line === '') continue;
    if (!line.startsWith(':') || line.length < 11 || line.length % 2 === 0) {
      throw new IntelHexError(`line ${n + 1}: not an Intel HEX record: ${line.slice(0, 20)}`);
    }
    const record = Buffer.from(line.slice(1), 'hex');
    const [count = 0, hi = 0, lo = 0, type = 0] = record;
    if (record.length !== count + 5) throw new IntelHexError(`line ${n + 1}: length byte says ${count}, record has ${record.length - 5}`);
    const sum = record.reduce((a, b) => (a + b) & 0xff, 0);
    if (sum !== 0) throw new IntelHexError(`line ${n + 1}: bad checksum`);
    const data = record.subarray(4, 4 + count);
    switch (type) {
      case 0x00: {
        const address = base + ((hi << 8) | lo);
        if (address + count > bytes.length) {
          throw new IntelHexError(`line ${n + 1}: data at 0x${address.toString(16)} does not fit in ${bytes.length} bytes of flash`);
        }
        bytes.set(data, address);
        break;
      }
      case 0x01:
        sawEnd = true;
        break;
      case 0x02: // extended segment address: base = value * 16
        base = (((data[0] ?? 0) << 8) | (data[1] ?? 0)) * 16;
        break;
      case 0x04: // extended linear address: base = value << 16
        base = (((data[0] ?? 0) << 8) | (data[1] ?? 0)) << 16;
        break;
      case 0x03:
      case 0x05: // start addresses: meaningless for an AVR, which starts at the reset vector
        break;
      default:
        throw new IntelHexError(`line ${n + 1}: unknown record type ${type}`);
    }
  }
  if (!sawEnd) throw new IntelHexError('no end-of-file record: the hex file is truncated');
  return flash;
}
