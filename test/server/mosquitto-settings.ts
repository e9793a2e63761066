/**
 * The Mosquitto settings docs/server.md asks for, as the tests apply them. Keep
 * the two in step.
 */
export const SERVER_MOSQUITTO_SETTINGS = [
  'max_queued_messages 100000',
  'max_inflight_messages 100',
] as const;
