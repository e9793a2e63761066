// The slice of Node's Buffer that mqtt-packet and bl's BufferList call, on a
// Uint8Array: UTF-8 strings only, big-endian integers, and slice() sharing memory as
// Node's does. The `buffer` polyfill is a quarter of a page's script for the same
// calls. test/web/mqtt-codec.test.ts checks mqtt-packet over this against Node's
// own Buffer, byte for byte.
const encoder = new TextEncoder();
const decoder = new TextDecoder();

const utf8Only = (encoding) => {
  if (encoding !== undefined && !/^utf-?8$/i.test(encoding)) throw new Error(`buffer shim: encoding ${encoding} not supported`);
};

export class Buffer extends Uint8Array {
  static from(value, offsetOrEncoding, length) {
    if (typeof value === 'string') {
      utf8Only(offsetOrEncoding);
      return Buffer.wrap(encoder.encode(value));
    }
    if (value instanceof ArrayBuffer) return new Buffer(value, offsetOrEncoding ?? 0, length ?? value.byteLength - (offsetOrEncoding ?? 0));
    const copy = new Buffer(value.length);
    copy.set(value);
    return copy;
  }

  static wrap(bytes) {
    return new Buffer(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  static alloc(size) {
    return new Buffer(size);
  }

  static allocUnsafe(size) {
    return new Buffer(size);
  }

  static isBuffer(value) {
    return value instanceof Buffer;
  }

  static byteLength(value) {
    return typeof value === 'string' ? encoder.encode(value).length : value.byteLength;
  }

  static concat(list, total) {
    const size = total ?? list.reduce((sum, part) => sum + part.length, 0);
    const result = new Buffer(size);
    let at = 0;
    for (const part of list) {
      if (at >= size) break;
      const piece = part.subarray(0, size - at);
      result.set(piece, at);
      at += piece.length;
    }
    return result;
  }

  slice(start, end) {
    return this.subarray(start, end);
  }

  toString(encoding, start = 0, end = this.length) {
    utf8Only(encoding);
    return decoder.decode(this.subarray(start, end));
  }

  write(string, offset = 0) {
    return encoder.encodeInto(string, this.subarray(offset)).written;
  }

  copy(target, targetStart = 0, sourceStart = 0, sourceEnd = this.length) {
    const part = this.subarray(sourceStart, Math.min(sourceEnd, sourceStart + target.length - targetStart));
    target.set(part, targetStart);
    return part.length;
  }

  equals(other) {
    return this.length === other.length && this.every((byte, i) => byte === other[i]);
  }

  readUInt8(offset = 0) {
    return this[offset];
  }

  readUInt16BE(offset = 0) {
    return (this[offset] << 8) | this[offset + 1];
  }

  readUInt32BE(offset = 0) {
    return this[offset] * 0x1000000 + ((this[offset + 1] << 16) | (this[offset + 2] << 8) | this[offset + 3]);
  }

  writeUInt8(value, offset = 0) {
    this[offset] = value;
    return offset + 1;
  }

  writeUInt16BE(value, offset = 0) {
    this[offset] = value >>> 8;
    this[offset + 1] = value;
    return offset + 2;
  }

  writeUInt32BE(value, offset = 0) {
    this[offset] = value >>> 24;
    this[offset + 1] = value >>> 16;
    this[offset + 2] = value >>> 8;
    this[offset + 3] = value;
    return offset + 4;
  }
}
export default { Buffer };
