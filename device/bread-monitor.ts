import type { Component } from '../runtime/lifecycle.js';
import type { Logger } from '../runtime/logger.js';
import { type BreadMachine, INITIAL_BREAD, stepBread } from '../shared/bread.js';
import { encodeBreadState, encodeCelsius } from '../shared/codecs/bread.js';
import type { Scheduler, TimerHandle } from '../shared/scheduler.js';
import type { BreadConfig } from './config.js';
import type { MqttLink } from './publisher.js';
import type { TemperatureSensor } from './sensors/sensor.js';

export interface BreadMonitorContext {
  readonly sensor: TemperatureSensor;
  readonly link: Pick<MqttLink, 'publish' | 'onConnect'>;
  readonly config: BreadConfig;
  /** Readings are timed and stamped on it. */
  readonly scheduler: Scheduler;
  readonly logger: Logger;
}

/**
 * Reads the probe every `intervalMs`, runs the doneness state machine from
 * `shared/`, and publishes (retained) the state on `pain/cuisson` when it changes
 * and the temperature on `pain/cuisson/temperature` when it moved by more than
 * `deltaC` or `heartbeatMs` passed. Both are re-published after each connect, in
 * case the broker lost its retained messages.
 */
export class BreadMonitor implements Component {
  readonly name = 'bread monitor';
  private machine: BreadMachine = INITIAL_BREAD;
  private published: { celsius: number; at: number } | null = null;
  private fault: string | null = null;
  private timer: TimerHandle | null = null;
  private running = false;
  private reading: Promise<void> | null = null;

  constructor(private readonly options: BreadMonitorContext) {}

  /** The current doneness (for the demo and tests). */
  get state(): BreadMachine {
    return this.machine;
  }

  async start(): Promise<void> {
    await this.options.sensor.start();
    this.running = true;
    this.options.link.onConnect(() => this.republish());
    this.options.logger.info(`bread monitor: ${this.options.sensor.name}, every ${this.options.config.intervalMs} ms`);
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    this.options.scheduler.clearTimer(this.timer);
    this.timer = null;
    await this.reading;
    await this.options.sensor.stop();
  }

  private schedule(delay: number): void {
    if (!this.running) return;
    this.timer = this.options.scheduler.setTimer(() => {
      this.timer = null;
      this.reading = this.tick().finally(() => {
        this.reading = null;
        this.schedule(this.options.config.intervalMs);
      });
    }, delay);
  }

  private async tick(): Promise<void> {
    const { sensor, scheduler, logger, config } = this.options;
    let celsius: number;
    try {
      celsius = await sensor.read();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      // Logged when the fault starts or changes, not on every reading.
      if (message !== this.fault) logger.warn(`bread probe fault: ${message}`);
      this.fault = message;
      return;
    }
    if (this.fault !== null) logger.info('bread probe reads again', { celsius });
    this.fault = null;
    if (!this.running) return;
    const at = scheduler.now();
    const before = this.machine.state;
    this.machine = stepBread(this.machine, { celsius, at }, config.thresholds);
    if (this.machine.state !== before || this.machine.since === at) {
      if (this.machine.state !== before) logger.info(`bread: ${before} → ${this.machine.state}`, { celsius });
      this.publishState();
    }
    const last = this.published;
    if (last === null || Math.abs(celsius - last.celsius) > config.deltaC || at - last.at >= config.heartbeatMs) {
      if (this.options.link.publish(config.temperatureTopic, encodeCelsius(celsius), { qos: 1, retain: true })) {
        this.published = { celsius, at };
      }
    }
  }

  private publishState(): void {
    this.options.link.publish(this.options.config.topic, encodeBreadState(this.machine.state), { qos: 1, retain: true });
  }

  private republish(): void {
    if (this.machine.since === null || this.machine.celsius === null) return;
    this.publishState();
    if (this.options.link.publish(this.options.config.temperatureTopic, encodeCelsius(this.machine.celsius), { qos: 1, retain: true })) {
      this.published = { celsius: this.machine.celsius, at: this.options.scheduler.now() };
    }
  }
}
