import { networkInterfaces } from 'node:os';

/** The machine's first non-loopback IPv4 address: what students' phones can reach. */
export function lanAddress(): string | null {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) {
      if (address.family === 'IPv4' && !address.internal) return address.address;
    }
  }
  return null;
}

/** The host to print in URLs for a listener bound to `bindHost`. */
export function publicHost(bindHost: string): string {
  if (bindHost === '0.0.0.0' || bindHost === '::' || bindHost === '') return lanAddress() ?? '127.0.0.1';
  return bindHost.includes(':') ? `[${bindHost}]` : bindHost;
}
