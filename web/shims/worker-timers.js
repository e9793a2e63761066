// MQTT.js keeps its keepalive timer in a Web Worker made from a blob: URL, which
// the pages' CSP (script-src 'self') forbids. Plain timers do the same job here;
// the pages reconnect by themselves if a hidden tab misses a ping.
export const setInterval = (fn, ms) => globalThis.setInterval(fn, ms);
export const clearInterval = (id) => globalThis.clearInterval(id);
export const setTimeout = (fn, ms) => globalThis.setTimeout(fn, ms);
export const clearTimeout = (id) => globalThis.clearTimeout(id);
