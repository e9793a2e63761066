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

/** The host to print in URLs for a listener bound to `bindHost`: what other machines reach. */
export function publicHost(bindHost: string): string {
  return isEveryAddress(bindHost) ? (lanAddress() ?? '127.0.0.1') : urlHost(bindHost);
}

/** Where a client on this machine reaches a listener bound to `bindHost`. */
export function localHost(bindHost: string): string {
  return isEveryAddress(bindHost) ? '127.0.0.1' : urlHost(bindHost);
}

/** 0.0.0.0, :: and '' bind every address: no client can connect to them as such. */
function isEveryAddress(bindHost: string): boolean {
  return bindHost === '0.0.0.0' || bindHost === '::' || bindHost === '';
}

/** An IPv6 literal goes in brackets inside a URL. */
function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
