/**
 * One MQTT 3.1.1 session over one browser WebSocket, for the pages: CONNECT with a
 * clean session, subscribe, publish at QoS 0 or 1, PUBACK for what arrives at QoS 1,
 * keepalive pings. Packets are encoded and parsed by `mqtt-packet` (the codec MQTT.js
 * and aedes use); this file only sequences them. It does not reconnect: when the
 * socket closes, the session is over and `connection.ts` opens a new one on its
 * backoff. Nothing is queued while offline and QoS 1 publishes are not re-sent on a
 * new session: a clean session forgets them anyway, and a vote's outbox re-sends it
 * until the server's receipt (never on a PUBACK), so a PUBACK needs no bookkeeping.
 * Why not MQTT.js: it brings Node's streams, Buffer and events polyfills to the
 * browser, ~63 KB gzip of a 68 KB vote page (docs/performance.md).
 */
import { type IConnectPacket, type Packet, generate, parser } from 'mqtt-packet';
import { type Scheduler, every } from '../../shared/scheduler.js';
import { browserScheduler } from './scheduler.js';

export interface SessionOptions {
  url: string;
  clientId: string;
  username?: string;
  password?: string;
  /** Seconds between pings; a ping unanswered by the next one ends the session. */
  keepaliveS: number;
  /** No CONNACK within this: the attempt has failed. */
  connectTimeoutMs: number;
  /** The connect timeout and the pings run on it; default the browser's timers. */
  scheduler?: Scheduler;
}

export interface SessionHandlers {
  /** The broker accepted the session (CONNACK 0). */
  onConnect(): void;
  /** The session is over (socket closed, refused, timed out or broken bytes); called once. */
  onClose(): void;
  onMessage(topic: string, payload: Uint8Array, retained: boolean): void;
}

export interface MqttSession {
  /** True between the CONNACK and the end of the session. */
  readonly connected: boolean;
  subscribe(filters: readonly string[]): void;
  publish(topic: string, payload: string, qos: 0 | 1, retain: boolean): void;
  /** Ends the session now (its `onClose` runs). */
  close(): void;
}

export function openSession(options: SessionOptions, handlers: SessionHandlers): MqttSession {
  const socket = new WebSocket(options.url, 'mqtt');
  socket.binaryType = 'arraybuffer';
  const packets = parser({ protocolVersion: 4 });
  let connected = false;
  let closed = false;
  let awaitingPong = false;
  let lastId = 0;
  const scheduler = options.scheduler ?? browserScheduler;
  let stopPings: (() => void) | null = null;
  const connectTimer = scheduler.setTimer(() => end(), options.connectTimeoutMs);

  const nextId = () => (lastId = (lastId % 65_535) + 1);
  const send = (packet: Packet) => {
    if (socket.readyState === WebSocket.OPEN) socket.send(generate(packet));
  };
  // The PUBACKs for the publishes of one WebSocket message leave as one message
  // (MQTT over WebSocket allows several packets per frame): under a flood a broker
  // may pack many publishes into one frame, and each send is a trip out of the script.
  let acks: Uint8Array[] | null = null;
  const acknowledge = (messageId: number) => {
    if (acks === null) send({ cmd: 'puback', messageId });
    else acks.push(generate({ cmd: 'puback', messageId }));
  };
  const sendAcks = (list: Uint8Array[]) => {
    if (list.length === 0 || socket.readyState !== WebSocket.OPEN) return;
    if (list.length === 1) return socket.send(list[0]!);
    const joined = new Uint8Array(list.reduce((sum, bytes) => sum + bytes.length, 0));
    let at = 0;
    for (const bytes of list) {
      joined.set(bytes, at);
      at += bytes.length;
    }
    socket.send(joined);
  };
  function end(): void {
    if (closed) return;
    closed = true;
    connected = false;
    scheduler.clearTimer(connectTimer);
    stopPings?.();
    socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
    if (socket.readyState === WebSocket.CONNECTING || socket.readyState === WebSocket.OPEN) socket.close();
    handlers.onClose();
  }

  packets.on('packet', (packet: Packet) => {
    awaitingPong = false;
    switch (packet.cmd) {
      case 'connack':
        // 3.1.1 codes: 0 accepted; anything else (bad credentials, not authorised) ends it.
        if (packet.returnCode !== 0) return end();
        scheduler.clearTimer(connectTimer);
        connected = true;
        // A ping every keepalive; one still unanswered at the next means a dead link
        // (a phone that left the Wi-Fi does not always close its socket).
        stopPings = every(scheduler, options.keepaliveS * 1000, () => {
          if (awaitingPong) return end();
          awaitingPong = true;
          send({ cmd: 'pingreq' });
        });
        handlers.onConnect();
        return;
      case 'publish':
        if (packet.qos > 0 && packet.messageId !== undefined) acknowledge(packet.messageId);
        handlers.onMessage(packet.topic, toBytes(packet.payload), packet.retain);
        return;
      default:
        // PUBACK, SUBACK, PINGRESP: nothing to do beyond knowing the link is alive.
        return;
    }
  });
  packets.on('error', () => end());

  socket.onopen = () => {
    send({
      cmd: 'connect',
      protocolId: 'MQTT',
      protocolVersion: 4,
      clean: true,
      clientId: options.clientId,
      keepalive: options.keepaliveS,
      ...(options.username ? { username: options.username } : {}),
      // mqtt-packet writes a string password as UTF-8 (its types only say Buffer).
      ...(options.password ? { password: options.password as unknown as IConnectPacket['password'] } : {}),
    });
  };
  socket.onmessage = (event: MessageEvent<ArrayBuffer>) => {
    const list: Uint8Array[] = [];
    acks = list;
    try {
      packets.parse(new Uint8Array(event.data) as Parameters<typeof packets.parse>[0]);
    } finally {
      acks = null;
      sendAcks(list);
    }
  };
  socket.onclose = () => end();
  socket.onerror = () => end();

  return {
    get connected() {
      return connected;
    },
    subscribe(filters) {
      if (!connected || filters.length === 0) return;
      send({ cmd: 'subscribe', messageId: nextId(), subscriptions: filters.map((topic) => ({ topic, qos: 1 })) });
    },
    publish(topic, payload, qos, retain) {
      if (!connected) return;
      send({ cmd: 'publish', topic, payload, qos, retain, dup: false, ...(qos > 0 ? { messageId: nextId() } : {}) });
    },
    close: end,
  };
}

function toBytes(payload: string | Uint8Array): Uint8Array {
  return typeof payload === 'string' ? new TextEncoder().encode(payload) : payload;
}
