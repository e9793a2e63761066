import type { Logger } from '../../runtime/logger.js';
import { type Scheduler, every } from '../../shared/scheduler.js';
import type { FirmataIo } from './types.js';

export interface WifiLinkContext {
  readonly boardId: string;
  /** For messages: host:port. */
  readonly where: string;
  readonly io: FirmataIo;
  readonly scheduler: Scheduler;
  readonly logger: Logger;
  /** How often the board is asked whether it is still there. */
  readonly heartbeatMs: number;
  /** Drops the TCP connection; etherport-client then reconnects by itself. */
  readonly dropConnection: () => void;
  /** The board forgot its pin setup, or may have: set the pins up again. */
  readonly onRestart: (why: string) => void;
}

/** Unanswered heartbeats before the link counts as gone. */
const MISSED_BEFORE_DROP = 2;

/**
 * Watches the TCP link to a StandardFirmataWiFi board. A Wi-Fi drop closes
 * nothing: the socket stays open on the agent's side, etherport-client never hears
 * of it (mwittig/etherport-client#9), and the agent would wait on a dead socket
 * forever while the board, back on the network, has forgotten that connection.
 * So the board is asked for its firmware every `heartbeatMs`; after
 * MISSED_BEFORE_DROP unanswered asks the socket is dropped and etherport-client
 * reconnects.
 *
 * A reconnect is a new handshake: the board, which booted long ago (or rebooted
 * while it was unreachable) and says nothing when a client connects, is asked for
 * its version; its answer proves it is there and speaks Firmata, and the pins are
 * set up again (a reboot forgot them; if it did not, setting them again is
 * harmless). A version the agent did not ask for is the firmware announcing itself
 * after a reset.
 *
 * What the board saw while the link was down (a button pressed and released) was
 * sent to nobody and is gone: Firmata reports changes, it keeps no history. That
 * is said in the log with how long the board was unreachable.
 */
export class WifiLink {
  private state: 'up' | 'handshaking' | 'down' = 'up';
  private askedVersion = false;
  private waitingFor = false;
  private missed = 0;
  private lastHeardAt: number;
  private stopBeats: (() => void) | null = null;

  constructor(private readonly ctx: WifiLinkContext) {
    this.lastHeardAt = ctx.scheduler.now();
  }

  start(): void {
    const { io, scheduler, heartbeatMs } = this.ctx;
    io.on('connect', this.onConnect);
    io.on('reportversion', this.onVersion);
    io.on('queryfirmware', this.onAnswer);
    this.stopBeats = every(scheduler, heartbeatMs, () => this.beat());
  }

  stop(): void {
    const { io } = this.ctx;
    this.stopBeats?.();
    this.stopBeats = null;
    io.off('connect', this.onConnect);
    io.off('reportversion', this.onVersion);
    io.off('queryfirmware', this.onAnswer);
  }

  private beat(): void {
    if (this.state === 'down') return; // etherport-client is reconnecting
    if (this.waitingFor) {
      this.missed += 1;
      if (this.missed >= MISSED_BEFORE_DROP) this.lost('stopped answering (Wi-Fi out, or the board lost power?)');
      return;
    }
    this.waitingFor = true;
    this.ctx.io.queryFirmware?.(() => undefined);
  }

  private lost(why: string): void {
    const { logger, boardId, where } = this.ctx;
    this.state = 'down';
    this.waitingFor = false;
    this.missed = 0;
    logger.warn(`board ${boardId} (${where}) ${why}: reconnecting; its buttons are not seen until it answers again`);
    this.ctx.dropConnection();
  }

  /** etherport-client connected again (after our drop, or after the socket closed by itself). */
  private readonly onConnect = () => {
    const { io } = this.ctx;
    this.state = 'handshaking';
    this.missed = 0;
    this.waitingFor = true;
    this.askedVersion = true;
    // A message cut by the drop would spoil the parse of the first one after it.
    if (Array.isArray(io.buffer)) io.buffer.length = 0;
    io.reportVersion?.(() => undefined);
  };

  private readonly onAnswer = () => {
    this.waitingFor = false;
    this.missed = 0;
    this.lastHeardAt = this.ctx.scheduler.now();
  };

  private readonly onVersion = () => {
    const asked = this.askedVersion;
    const downMs = this.ctx.scheduler.now() - this.lastHeardAt;
    this.askedVersion = false;
    this.onAnswer();
    if (this.state === 'handshaking' && asked) {
      this.state = 'up';
      this.ctx.logger.warn(
        `board ${this.ctx.boardId} (${this.ctx.where}) answers again after ${Math.round(downMs / 1000)} s: ` +
          'a press made while it was unreachable was not seen (the board keeps no history)',
      );
      this.ctx.onRestart('is connected again');
      return;
    }
    // Not asked for: the firmware announcing itself after a reset, with every pin mode forgotten.
    this.state = 'up';
    this.ctx.onRestart('was reset (its firmware announced itself again)');
  };
}
