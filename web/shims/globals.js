// Injected into the browser bundles: the two Node globals MQTT.js and its stream
// library expect. Buffer comes from the `buffer` package (what MQTT.js's own
// browser build uses); `process` is only asked for nextTick and a few flags.
export { Buffer } from 'buffer';
export { default as process } from './process.js';
