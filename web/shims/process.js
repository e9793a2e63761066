// The slice of Node's `process` MQTT.js and readable-stream use in a browser.
// nextTick runs on the microtask queue, like Node's: the `process` package's
// setTimeout(0) version is clamped to 4 ms once timers nest, which would stretch
// a burst of messages.
const process = {
  nextTick: (fn, ...args) => queueMicrotask(() => fn(...args)),
  env: {},
  browser: true,
  version: '',
  versions: {},
  emitWarning() {},
};
export default process;
