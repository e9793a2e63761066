import { describe, expect, it } from 'vitest';
import { lanAddress, localHost, publicHost } from '../../runtime/network.js';

describe('hosts in URLs', () => {
  it('localHost: a listener on every address is reached on the loopback from this machine', () => {
    for (const every of ['0.0.0.0', '::', '']) expect(localHost(every)).toBe('127.0.0.1');
  });

  it('localHost and publicHost keep a named host, an IPv6 literal in brackets', () => {
    for (const host of [localHost, publicHost]) {
      expect(host('127.0.0.1')).toBe('127.0.0.1');
      expect(host('classroom.local')).toBe('classroom.local');
      expect(host('::1')).toBe('[::1]');
      expect(host('fe80::1')).toBe('[fe80::1]');
    }
  });

  it('publicHost: a listener on every address is printed as the LAN address, else the loopback', () => {
    for (const every of ['0.0.0.0', '::', '']) expect(publicHost(every)).toBe(lanAddress() ?? '127.0.0.1');
  });
});
