import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The compiled StandardFirmata 2.4 for the Uno that avrgirl-arduino ships. */
export function standardFirmataHexPath(): string {
  return require.resolve('avrgirl-arduino/junk/hex/uno/StandardFirmata.cpp.hex');
}
