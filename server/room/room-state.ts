import { type DeviceInfo, decodeDeviceInfo } from '../../shared/codecs/device-info.js';
import { decodeStatus } from '../../shared/codecs/status.js';
import type { Scheduler, TimerHandle } from '../../shared/scheduler.js';
import { type Topics, parseTopic } from '../../shared/topics.js';
import { SERVER_ACCOUNT } from '../access/accounts.js';
import type { DeviceView, RoomSnapshot } from '../../shared/room.js';
import type { BreadKeeper } from './bread-keeper.js';

export type { DeviceView, RoomSnapshot } from '../../shared/room.js';

/** Mosquitto's count of connected clients (readable by the hub's account, deploy/mosquitto/classroom.acl). */
export const SYS_CLIENTS_CONNECTED = '$SYS/broker/clients/connected';
/** The hub's own sessions on an external broker: its link and its retain janitor. */
const HUB_SESSIONS = 2;

export interface RoomStateContext {
  topics: Topics;
  scheduler: Scheduler;
  bread: BreadKeeper;
  /** The broker and the hub's health, read at each snapshot. */
  health: () => Pick<RoomSnapshot, 'broker' | 'hub'>;
  /** The embedded broker's count of public sessions; null on an external broker ($SYS is used there). */
  publicSessions: (() => number) | null;
  /** Changes are told at most this often (default 200 ms). */
  coalesceMs?: number;
}

/**
 * The room at a glance, kept by the hub from what it hears: each device's status
 * and info topics, the bread topics (BreadKeeper), and the number of connected
 * browsers. Listeners (the teacher's page, over server-sent events) are told of
 * changes, coalesced.
 */
export class RoomState {
  private readonly devices = new Map<string, { status: DeviceView['status']; lastSeen: number | null; info: DeviceInfo | null }>();
  private sysClients: number | null = null;
  private readonly watchers = new Set<{ listener: (room: RoomSnapshot) => void; onEnd: () => void }>();
  private pending: TimerHandle | null = null;
  private lastTold = Number.NEGATIVE_INFINITY;

  constructor(private readonly ctx: RoomStateContext) {}

  /** The topics the hub subscribes to for this view. */
  filters(external: boolean): string[] {
    const { topics } = this.ctx;
    return [topics.allDeviceStatus, topics.allDeviceInfo, topics.bread, topics.breadTemperature, ...(external ? [SYS_CLIENTS_CONNECTED] : [])];
  }

  /** One message on one of `filters()`. */
  handle(topic: string, payload: Buffer, retained: boolean): void {
    if (this.ctx.bread.handle(topic, payload, retained)) return;
    if (topic === SYS_CLIENTS_CONNECTED) {
      const n = Number(payload.toString('utf8'));
      if (Number.isSafeInteger(n) && n >= 0 && n !== this.sysClients) {
        this.sysClients = n;
        this.changed();
      }
      return;
    }
    const parsed = parseTopic(this.ctx.topics, topic);
    if (parsed === null || (parsed.kind !== 'device-status' && parsed.kind !== 'device-info')) return;
    if (parsed.deviceId === SERVER_ACCOUNT) return;
    const device = this.devices.get(parsed.deviceId) ?? { status: 'unknown' as const, lastSeen: null, info: null };
    const seen = retained ? device.lastSeen : this.ctx.scheduler.now();
    if (parsed.kind === 'device-status') {
      const status = decodeStatus(payload);
      if (!status.ok || status.value === 'not-storing') return;
      this.devices.set(parsed.deviceId, { ...device, status: status.value, lastSeen: seen });
    } else {
      // An empty retained message clears the topic (a device removed for good).
      if (payload.length === 0) {
        this.devices.set(parsed.deviceId, { ...device, info: null });
      } else {
        const info = decodeDeviceInfo(payload);
        if (!info.ok) return;
        this.devices.set(parsed.deviceId, { ...device, info: info.value, lastSeen: seen });
      }
    }
    this.changed();
  }

  /**
   * Something read at snapshot time changed (a browser connected, the link). The
   * first change goes out at the end of this turn, the next ones at most once per
   * `coalesceMs` with the latest state: a class connecting at once is a few refreshes.
   */
  changed(): void {
    if (this.pending !== null || this.watchers.size === 0) return;
    const wait = Math.max(0, this.lastTold + (this.ctx.coalesceMs ?? 200) - this.ctx.scheduler.now());
    this.pending = this.ctx.scheduler.setTimer(() => {
      this.pending = null;
      this.lastTold = this.ctx.scheduler.now();
      const room = this.snapshot();
      for (const watcher of this.watchers) watcher.listener(room);
    }, wait);
  }

  /**
   * Calls `listener` with each new snapshot until the returned function is called;
   * `onEnd` when the hub stops (the events stream is closed then).
   */
  watch(listener: (room: RoomSnapshot) => void, onEnd: () => void = () => undefined): () => void {
    const watcher = { listener, onEnd };
    this.watchers.add(watcher);
    return () => {
      this.watchers.delete(watcher);
    };
  }

  stop(): void {
    this.ctx.scheduler.clearTimer(this.pending);
    this.pending = null;
    const ending = [...this.watchers];
    this.watchers.clear();
    for (const watcher of ending) watcher.onEnd();
  }

  snapshot(): RoomSnapshot {
    const devices = [...this.devices].map(([id, d]) => ({ id, ...d })).sort((a, b) => a.id.localeCompare(b.id));
    return { at: this.ctx.scheduler.now(), devices, phones: this.phones(devices), ...this.ctx.health(), bread: this.ctx.bread.current };
  }

  private phones(devices: readonly DeviceView[]): number | null {
    if (this.ctx.publicSessions !== null) return this.ctx.publicSessions();
    if (this.sysClients === null) return null;
    // Mosquitto counts every client: the hub's own two sessions (its link and its
    // retain janitor, server/mqtt/retain-janitor.ts) and the online devices are not phones.
    return Math.max(0, this.sysClients - HUB_SESSIONS - devices.filter((d) => d.status === 'online').length);
  }
}
