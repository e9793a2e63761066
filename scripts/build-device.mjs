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

/**
 * MQTT.js requires its WebSocket, TLS and SOCKS transports (and with them `ws`,
 * Node's `tls`/`https`/`zlib`, `socks` and `ip-address`) at the first connect,
 * whatever the URL: ~3 MB resident an agent on mqtt:// never uses. In the bundle
 * each of the three is a stand-in that requires the real module the first time
 * one of its functions is called, so mqtts://, ws:// and a SOCKS proxy still work,
 * and cost their memory only where they are used.
 */
const LAZY_MQTT_TRANSPORTS = {
  ws: ['streamBuilder', 'browserStreamBuilder'],
  tls: ['default'],
  socks: ['default'],
};

export const lazyMqttTransports = {
  name: 'lazy-mqtt-transports',
  setup(build) {
    build.onResolve({ filter: /^\.\/(ws|tls|socks)$/ }, (args) => {
      if (!/[\\/]mqtt[\\/]build[\\/]lib[\\/]connect$/.test(args.resolveDir)) return undefined;
      return { path: join(args.resolveDir, `${args.path.slice(2)}.lazy.js`), namespace: 'lazy-mqtt-transport' };
    });
    build.onLoad({ filter: /.*/, namespace: 'lazy-mqtt-transport' }, (args) => {
      const name = basename(args.path, '.lazy.js');
      const functions = LAZY_MQTT_TRANSPORTS[name].map((fn) => `exports.${fn} = (...args) => load().${fn}(...args);`);
      // './<name>.js' (with its extension) is not matched above: it is the real module.
      return {
        contents: `Object.defineProperty(exports, '__esModule', { value: true });\nlet real;\nconst load = () => (real ??= require('./${name}.js'));\n${functions.join('\n')}\n`,
        resolveDir: dirname(args.path),
        loader: 'js',
      };
    });
  },
};

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
    plugins: [lazyMqttTransports],
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
