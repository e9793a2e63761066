// The esbuild plugin that swaps the pages' Node-isms for web/shims/* (used by
// web/build.mjs, and by test/web/mqtt-codec.test.ts to test the same bundle).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The pages' MQTT client is web/lib/mqtt-session.ts over mqtt-packet's codec. Its
// few Node-isms get small stand-ins: no `debug` output, EventEmitter's on/emit only,
// `bl`'s BufferList without the stream wrapper (which would pull in readable-stream),
// and Buffer as the few Uint8Array methods mqtt-packet calls (web/shims/buffer.js).
const root = dirname(fileURLToPath(import.meta.url));
const shim = (name) => join(root, name);
const SUBSTITUTES = [
  [/^debug$/, shim('debug.cjs')],
  [/^events$/, shim('events.js')],
  [/^buffer\/?$/, shim('buffer.js')],
  [/^bl$/, join(root, '..', '..', 'node_modules', 'bl', 'BufferList.js')],
];
export const substitutes = {
  name: 'substitutes',
  setup(build) {
    for (const [filter, path] of SUBSTITUTES) build.onResolve({ filter }, () => ({ path }));
  },
};

