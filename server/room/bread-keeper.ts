import type { Logger } from '../../runtime/logger.js';
import type { BreadHistory } from '../../shared/codecs/bread-history.js';
import { decodeBreadState, decodeCelsius } from '../../shared/codecs/bread.js';
import type { Clock } from '../../shared/scheduler.js';
import type { BreadNow } from '../../shared/room.js';
import type { Topics } from '../../shared/topics.js';
import type { BreadStore } from '../store/bread-store.js';

export interface BreadKeeperContext {
  store: BreadStore;
  topics: Topics;
  clock: Clock;
  logger: Logger;
  /** The state or the temperature changed (the room view is told). */
  onChange: () => void;
  /** Publishes the retained `P/bread/bake` (open pages start an empty curve on a later one). */
  announce: (startedAt: number) => void;
}

/**
 * The hub's ear on the bread topics: keeps the oven's state and temperature for
 * the room view and stores each temperature reading (BreadStore) so a page opened
 * mid-bake draws it from the start. A retained copy equal to the last reading is
 * the broker repeating itself after a reconnect, not a new reading.
 */
export class BreadKeeper {
  private now: BreadNow;
  private failing = false;

  constructor(private readonly ctx: BreadKeeperContext) {
    // A hub's first start starts the first bake, so a page always knows which bake it draws.
    ctx.store.startBakeIfNone(ctx.clock.now());
    const last = ctx.store.last();
    this.now = { state: last?.state ?? null, celsius: last?.celsius ?? null, at: last?.at ?? null };
  }

  get current(): BreadNow {
    return this.now;
  }

  /** Whether this message is the bread's (and was handled). */
  handle(topic: string, payload: Buffer, retained: boolean): boolean {
    const { topics } = this.ctx;
    if (topic === topics.bread) {
      const state = decodeBreadState(payload);
      if (state.ok && state.value !== this.now.state) {
        this.now = { ...this.now, state: state.value };
        this.ctx.onChange();
      }
      return true;
    }
    if (topic !== topics.breadTemperature) return false;
    const celsius = decodeCelsius(payload);
    if (!celsius.ok) return true;
    if (retained && celsius.value === this.now.celsius) return true;
    const at = this.ctx.clock.now();
    this.now = { ...this.now, celsius: celsius.value, at };
    this.store(at, celsius.value);
    this.ctx.onChange();
    return true;
  }

  history(): BreadHistory {
    return this.ctx.store.history();
  }

  /** The teacher's "new bake": the readings so far are forgotten, and the pages told. */
  newBake(): BreadHistory {
    const at = this.ctx.clock.now();
    this.ctx.store.newBake(at);
    this.ctx.logger.info('new bake: the bread readings start again');
    this.ctx.announce(at);
    this.ctx.onChange();
    return this.history();
  }

  /** After each connect: the retained bake start, in case the broker lost it. */
  announceBake(): void {
    const startedAt = this.ctx.store.startedAt();
    if (startedAt !== null) this.ctx.announce(startedAt);
  }

  private store(at: number, celsius: number): void {
    try {
      this.ctx.store.record(at, celsius, this.now.state);
      if (this.failing) this.ctx.logger.info('bread readings are stored again');
      this.failing = false;
    } catch (error) {
      // The bread curve is a nicety: a full disk must not cost the votes' log lines.
      if (!this.failing) this.ctx.logger.warn('cannot store a bread reading; the curve misses it', { error: error instanceof Error ? error.message : String(error) });
      this.failing = true;
    }
  }
}
