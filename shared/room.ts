/**
 * The room at a glance as the hub serves it (`GET /api/room`, `/api/room/events`;
 * docs/server.md): kept by server/room/room-state.ts, shown by web/lib/prof-room.ts.
 */
import type { DeviceInfo } from './codecs/device-info.js';

export interface DeviceView {
  readonly id: string;
  readonly status: 'online' | 'offline' | 'unknown';
  /** Hub epoch ms of the last message from it; null when it was only known from the broker's retained copy. */
  readonly lastSeen: number | null;
  /** Its retained device-info; null when it never published one (an older agent, an Arduino sketch). */
  readonly info: DeviceInfo | null;
}

/** What the oven says now. */
export interface BreadNow {
  readonly state: string | null;
  readonly celsius: number | null;
  /** Hub epoch ms of the last temperature heard; null before any. */
  readonly at: number | null;
}

export interface RoomSnapshot {
  readonly at: number;
  readonly devices: readonly DeviceView[];
  /** Browsers connected (phones, the kiosk); null when the broker does not say. */
  readonly phones: number | null;
  readonly broker: { readonly kind: 'embedded' | 'external'; readonly connected: boolean };
  readonly hub: { readonly version: string; readonly storing: boolean; readonly failedCommits: number };
  readonly bread: BreadNow;
}
