import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { systemClock } from '../../runtime/clock.js';
import type { Component } from '../../runtime/lifecycle.js';
import type { Logger } from '../../runtime/logger.js';
import { OutboxError } from '../errors/outbox-error.js';
import { OutboxLockedError } from '../errors/outbox-locked-error.js';

export interface OutboxLockContext {
  /** The outbox file; the lock is `<path>.lock` next to it. */
  readonly outboxPath: string;
  readonly logger: Logger;
  /** The wall time written in the lock ("since when"); default `Date.now`. */
  readonly now?: () => number;
}

interface LockRecord {
  readonly pid: number;
  readonly since: string;
  /** Linux's boot id: a pid from before a reboot (power cut) names nobody now. */
  readonly boot: string | null;
}

/**
 * One agent per outbox (SPEC §8): an exclusive lock file next to the SQLite
 * outbox, made with O_EXCL so two agents starting at once cannot both win. It holds
 * the owner's pid, start time and boot id. A lock whose owner is gone (SIGKILL, a
 * power cut: the file stays) is stale and taken over: the pid no longer exists, or
 * it was written before the last reboot, where the same pid may now be another
 * program.
 *
 * Why a file of our own rather than SQLite's `locking_mode=EXCLUSIVE`: the OS
 * would release SQLite's lock on a crash by itself, but it cannot say who holds
 * it, and the refused agent must name the other one (pid, since when). Started
 * before the outbox and the MQTT connection, so a refused agent never takes the
 * broker session of the running one.
 */
export class OutboxLock implements Component {
  readonly name = 'outbox lock';
  readonly path: string;
  private held: LockRecord | null = null;

  constructor(private readonly ctx: OutboxLockContext) {
    this.path = `${ctx.outboxPath}.lock`;
  }

  start(): void {
    mkdirSync(dirname(this.path), { recursive: true });
    const mine: LockRecord = { pid: process.pid, since: new Date((this.ctx.now ?? systemClock.now)()).toISOString(), boot: bootId() };
    // Two attempts: the second after removing a stale lock. If another agent made a
    // new lock in between, the second attempt sees it and refuses.
    for (let attempt = 0; attempt < 2; attempt += 1) {
      if (this.create(mine)) {
        this.held = mine;
        return;
      }
      const holder = readLock(this.path);
      if (holder !== null && isAlive(holder)) throw new OutboxLockedError(this.path, holder);
      this.ctx.logger.warn(`removing a stale lock ${this.path}`, holder === null ? { content: 'unreadable' } : { pid: holder.pid, since: holder.since });
      try {
        unlinkSync(this.path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new OutboxError(this.path, 'cannot be removed', { cause: error });
      }
    }
    const holder = readLock(this.path);
    throw holder === null ? new OutboxError(this.path, 'is locked and its lock cannot be read') : new OutboxLockedError(this.path, holder);
  }

  stop(): void {
    if (this.held === null) return;
    // Only our own lock: never remove one another agent took over.
    const current = readLock(this.path);
    if (current !== null && current.pid === this.held.pid && current.since === this.held.since) {
      try {
        unlinkSync(this.path);
      } catch {
        // already gone; the next agent finds no lock either way
      }
    }
    this.held = null;
  }

  private create(record: LockRecord): boolean {
    let fd: number;
    try {
      fd = openSync(this.path, 'wx', 0o644);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw new OutboxError(this.path, 'cannot be created', { cause: error });
    }
    try {
      writeSync(fd, `${JSON.stringify(record)}\n`);
    } finally {
      closeSync(fd);
    }
    return true;
  }
}

function readLock(path: string): LockRecord | null {
  try {
    const value: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (typeof value !== 'object' || value === null) return null;
    const { pid, since, boot } = value as Record<string, unknown>;
    if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0 || typeof since !== 'string') return null;
    return { pid, since, boot: typeof boot === 'string' ? boot : null };
  } catch {
    // Missing, half-written (a crash between create and write) or not ours: stale.
    return null;
  }
}

function isAlive(holder: LockRecord): boolean {
  const boot = bootId();
  if (holder.boot !== null && boot !== null && holder.boot !== boot) return false;
  if (holder.pid === process.pid) return false;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user (the systemd unit's).
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function bootId(): string | null {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return null; // not Linux: the pid check alone
  }
}
