/** The embedded broker's per-client limits and their defaults, apart so the broker's file stays one class. */
/** What one client may hold on every listener (SPEC §8; BROKER_* in docs/server.md). */
export interface BrokerLimits {
  /** Largest MQTT packet a client may send, header included (Mosquitto's max_packet_size). */
  maxPacketBytes: number;
  /** Sessions of anonymous and voter clients in total (the hub's own accounts are not counted). */
  maxConnections: number;
  /** The same, from one IP address. */
  maxPerAddress: number;
  /** A public session silent for 1.5 × this is closed, keepalive 0 included. */
  maxKeepaliveMs: number;
}

/** Sized for a Pi's 1,024 open files: 400 + 256 waiting for CONNECT leaves room for HTTP, the database and the hub's sessions. */
export const DEFAULT_BROKER_LIMITS: BrokerLimits = Object.freeze({
  maxPacketBytes: 65_536,
  maxConnections: 400,
  maxPerAddress: 32,
  maxKeepaliveMs: 300_000,
});
