// The protocol core, pure and browser-safe: no Node-only imports, no I/O, no clock.
export * from './errors/index.js';
export * from './ids.js';
export * from './topics.js';
export * from './poll.js';
export * from './tally.js';
export * from './bread.js';
export * from './browser-config.js';
export * from './codecs/rejection.js';
export * from './codecs/payload.js';
export * from './codecs/vote.js';
export * from './codecs/poll.js';
export * from './codecs/tally.js';
export * from './codecs/receipt.js';
export * from './codecs/status.js';
