/**
 * The Mosquitto limits docs/server.md asks for (and deploy/mosquitto/*.conf sets),
 * as the tests apply them. Keep the three in step.
 */
export const SERVER_MOSQUITTO_SETTINGS = [
  'max_queued_messages 100000',
  'max_queued_bytes 0',
  'max_inflight_messages 1000',
] as const;
