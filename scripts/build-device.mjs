// Bundles the device command (`mqtt-classroom device --config ...`) into one ESM
// file and its lazily loaded chunks, dist/device-bundle/device.mjs, which
// bin/mqtt-classroom.js runs instead of the full CLI. Why: on the Pi the agent
// lives for months, and what Node loads it keeps. Unbundled, every zod entry
// loads zod's ~50 locale modules and the CLI loads commander and every command's
// option table; bundled and tree-shaken, the agent keeps only what it runs
// (docs/performance.md, "Issue 17 round 3: agent memory").
// Usage: node scripts/build-device.mjs [--quiet] [--analyze]
// `npm run build` runs it after tsc; the bench bundles its agent child with
// deviceBundleOptions() too, so it measures what a Pi runs.
import { readdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Native modules (compiled for the machine: they must load from node_modules) and
 * the hardware libraries, which the inputs import only when a config names them
 * (device/inputs/load.ts): they stay `import`s of node_modules, in the chunk of the
 * input that needs them. bufferutil / utf-8-validate: ws' optional native helpers.
 */
export const DEVICE_EXTERNAL = [
  'better-sqlite3',
  'onoff',
  'epoll',
  'johnny-five',
  'firmata-io',
  'etherport-client',
  'serialport',
  '@serialport/*',
  'bufferutil',
  'utf-8-validate',
];

/** esbuild options for a device bundle of `entryPoints` into `outdir`. */
export function deviceBundleOptions(entryPoints, outdir) {
  return {
    entryPoints,
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    // Each dynamic import (an input, a sensor, the agent itself) its own chunk, so
    // a hardware library's import stays in the chunk that needs it.
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    minify: true,
    sourcemap: 'linked',
    legalComments: 'none',
    metafile: true,
    external: DEVICE_EXTERNAL,
    // The CommonJS dependencies (MQTT.js's debug, readable-stream...) call
    // require() for Node's modules, which an ESM bundle has no global for.
    banner: { js: "import{createRequire as __mqcRequire}from'node:module';const require=__mqcRequire(import.meta.url);" },
    logLevel: 'warning',
  };
}

async function main() {
  const esbuild = await import('esbuild');
  const outdir = join(ROOT, 'dist', 'device-bundle');
  const result = await esbuild.build(deviceBundleOptions({ device: join(ROOT, 'cli', 'device-entry.ts') }, outdir));
  // The chunks of earlier builds (their names hold a hash): an agent already running
  // loaded its own at start-up.
  const built = new Set(Object.keys(result.metafile.outputs).map((file) => basename(file)));
  for (const file of readdirSync(outdir)) if (!built.has(file)) rmSync(join(outdir, file), { force: true });
  if (process.argv.includes('--analyze')) process.stdout.write(await esbuild.analyzeMetafile(result.metafile));
  if (!process.argv.includes('--quiet')) {
    const bytes = Object.entries(result.metafile.outputs).filter(([file]) => file.endsWith('.mjs')).reduce((sum, [, out]) => sum + out.bytes, 0);
    process.stdout.write(`device bundle built in dist/device-bundle: ${(bytes / 1024).toFixed(1)} KB\n`);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
