import { dirname, join } from 'node:path';
import type { BrokerUrls } from '../shared/broker-urls.js';
import type { DeviceEnv } from '../runtime/env.js';
import { type Component, Lifecycle } from '../runtime/lifecycle.js';
import type { Logger } from '../runtime/logger.js';
import type { BackoffOptions } from '../shared/backoff.js';
import { packageVersion } from '../runtime/package-info.js';
import { encodeButtonEvent } from '../shared/codecs/button-event.js';
import { systemScheduler } from '../runtime/scheduler.js';
import { decodeReceipt } from '../shared/codecs/receipt.js';
import type { DeviceInfo } from '../shared/codecs/device-info.js';
import type { Scheduler } from '../shared/scheduler.js';
import { type Topics, createTopics } from '../shared/topics.js';
import { BreadMonitor } from './bread-monitor.js';
import { DeviceInfoPublisher } from './device-info.js';
import type { ButtonConfig, DeviceConfig, InputConfig } from './config.js';
import { BoardRegistry, type BoardRegistryContext } from './firmata/boards.js';
import { HomeAssistantDiscovery } from './home-assistant.js';
import type { ButtonEvent, ButtonInput } from './inputs/input.js';
import type { KeyStream } from './inputs/keyboard.js';
import { loadInput } from './inputs/load.js';
import type { GpioClass } from './inputs/gpio.js';
import { OutboxLock } from './outbox/outbox-lock.js';
import { VoteSender } from './outbox/sender.js';
import { SqliteOutboxStore } from './outbox/sqlite-store.js';
import { PollTracker, type TargetPoll } from './poll-tracker.js';
import { Publisher } from './publisher.js';
import { RevealLeds } from './reveal-leds.js';
import { loadSensor } from './sensors/load.js';
import { VoteMaker } from './votes.js';
import { loadVoterSecret } from './voter-secret.js';

/** Everything the agent needs, in one object; tests replace the hardware parts. */
export interface AgentContext {
  /** Its broker and where it keeps its outbox (runtime/env.ts's loadDeviceEnv, or the demo's own). */
  readonly env: DeviceEnv;
  readonly config: DeviceConfig;
  readonly logger: Logger;
  /** Time for every part with a timer; the simulated-Uno tests pass the board's simulated clock. */
  readonly scheduler?: Scheduler;
  readonly backoff?: Partial<BackoffOptions>;
  /** Raw-mode Ctrl-C from the keyboard input; default: raise SIGINT. */
  readonly onInterrupt?: () => void;
  readonly Gpio?: GpioClass;
  readonly gpioRoot?: string;
  readonly stdin?: KeyStream;
  readonly openIo?: BoardRegistryContext['openIo'];
  readonly loadFive?: BoardRegistryContext['loadFive'];
}

const SOURCE: Record<InputConfig['type'], 'button' | 'keyboard' | 'simulation'> = {
  gpio: 'button',
  firmata: 'button',
  keyboard: 'keyboard',
  simulation: 'simulation',
};

/**
 * The device agent: wires inputs, sensors, the outbox and MQTT, starts them in
 * order and stops them in reverse (inputs first, so no press arrives once the
 * outbox is closing; MQTT last but one, so `offline` is the final word).
 */
export class Agent {
  readonly topics: Topics;
  /** The broker, or the cluster's nodes in the order they are tried. */
  readonly brokerUrls: BrokerUrls;
  private readonly lifecycle: Lifecycle;
  private readonly scheduler: Scheduler;
  private readonly inputs: ButtonInput[] = [];
  private readonly buttons = new Map<string, { config: ButtonConfig; input: number; source: 'button' | 'keyboard' | 'simulation' }>();
  private parts: {
    outbox: SqliteOutboxStore;
    publisher: Publisher;
    sender: VoteSender;
    votes: VoteMaker;
    polls: PollTracker;
    bread: BreadMonitor | null;
    info: DeviceInfoPublisher;
  } | null = null;

  constructor(private readonly ctx: AgentContext) {
    const { env, config } = ctx;
    this.scheduler = ctx.scheduler ?? systemScheduler;
    this.lifecycle = new Lifecycle(ctx.logger);
    this.topics = createTopics({
      prefix: env.topicPrefix,
      ...(config.bread ? { bread: config.bread.topic, breadTemperature: config.bread.temperatureTopic } : {}),
    });
    this.brokerUrls = env.mqtt.urls;
    config.inputs.forEach((input, index) => {
      for (const button of input.buttons) this.buttons.set(button.id, { config: button, input: index, source: SOURCE[input.type] });
    });
  }

  /** Votes waiting for a receipt (0 when all were counted). */
  get outboxSize(): number {
    return this.parts?.outbox.size ?? 0;
  }

  get bread(): BreadMonitor | null {
    return this.parts?.bread ?? null;
  }

  /** The started input back ends, in config order (the demo and tests drive the simulation). */
  get inputList(): readonly ButtonInput[] {
    return this.inputs;
  }

  /** The poll presses vote on now, null when none is open. */
  targetPoll(): TargetPoll | null {
    return this.parts?.polls.current() ?? null;
  }

  async start(): Promise<void> {
    const { config, env, logger } = this.ctx;
    const { topics } = this;
    if (env.mqtt.username !== null && env.mqtt.username !== config.deviceId) {
      logger.warn(`MQTT_USERNAME is "${env.mqtt.username}" but the deviceId is "${config.deviceId}": with the secure broker profile a device may only publish under its own name`);
    }
    const { scheduler } = this;
    const outboxPath = config.outbox.path ?? join(env.dataDir, `outbox-${config.deviceId}.sqlite`);
    // The voter secret lives with the outbox: both must survive a restart (docs/protocol.md).
    const voter = loadVoterSecret(join(dirname(outboxPath), `voter-${config.deviceId}`));
    // Receipts come to this client id alone (the brokers' receipts rule), so it is fixed here.
    const clientId = env.mqtt.clientId ?? `mqtt-classroom-device-${config.deviceId}`;
    // First of all: a second agent on this outbox stops here, before it opens the file or the broker session.
    const lock = new OutboxLock({ outboxPath, logger: logger.child('outbox') });
    const outbox = new SqliteOutboxStore({
      path: outboxPath,
      scheduler,
      logger: logger.child('outbox'),
    });
    const publisher = new Publisher({
      url: this.brokerUrls,
      deviceId: config.deviceId,
      clientId,
      username: env.mqtt.username,
      password: env.mqtt.password,
      statusTopic: topics.deviceStatus(config.deviceId),
      logger: logger.child('mqtt'),
      ...(this.ctx.backoff ? { backoff: this.ctx.backoff } : {}),
    });
    const reveal = new RevealLeds({
      buttons: [...this.buttons.entries()].map(([id, b]) => ({ id, press: b.config.press, light: () => this.inputs[b.input]?.feedback(id, 'correct') })),
      logger: logger.child('polls'),
    });
    const info = new DeviceInfoPublisher({
      link: publisher,
      topic: topics.deviceInfo(config.deviceId),
      scheduler,
      fixed: deviceInfoOf(config),
      outboxSize: () => outbox.size,
    });
    const polls: PollTracker = new PollTracker({
      link: publisher,
      topics,
      fixedPollId: config.pollId,
      logger: logger.child('polls'),
      memory: outbox,
      onPollChange: () => reveal.take(polls.shown()),
    });
    const sender = new VoteSender({
      store: outbox,
      link: publisher,
      scheduler,
      logger: logger.child('outbox'),
      maxEntries: config.outbox.maxEntries,
      receiptTimeoutMs: config.outbox.receiptTimeoutMs,
      maxInFlight: config.outbox.maxInFlight,
      onReceipt: (entry, receipt) => {
        info.changed();
        if (entry.button === null) return;
        const button = this.buttons.get(entry.button);
        this.inputs[button?.input ?? -1]?.feedback(entry.button, receipt.status === 'rejected' ? 'rejected' : 'acknowledged');
      },
    });
    publisher.subscribe(topics.receipts(clientId), 1, (_topic, payload) => {
      const receipt = decodeReceipt(payload);
      if (receipt.ok) sender.receipt(receipt.value);
      else logger.warn(`ignoring a malformed receipt: ${receipt.detail}`);
    });
    publisher.onConnect((sessionPresent) => sender.connected(sessionPresent));
    const votes = new VoteMaker({ voter, reply: clientId, topics, outbox: sender.outbox, polls, fixedPollId: config.pollId, team: config.team, clock: scheduler, logger: logger.child('votes'), onQueued: () => {
      sender.kick();
      info.changed();
    } });
    const boards = new BoardRegistry({
      boards: config.boards,
      logger: logger.child('boards'),
      scheduler,
      ...(this.ctx.openIo ? { openIo: this.ctx.openIo } : {}),
      ...(this.ctx.loadFive ? { loadFive: this.ctx.loadFive } : {}),
    });
    const components: Component[] = [lock, outbox, publisher, info, polls, sender, boards];
    if (config.homeAssistant !== null) {
      components.push(
        new HomeAssistantDiscovery({
          link: publisher,
          prefix: config.homeAssistant.prefix,
          deviceId: config.deviceId,
          name: config.name,
          topics,
          buttons: [...this.buttons.keys()],
          bread: config.bread ? { topic: config.bread.topic, temperatureTopic: config.bread.temperatureTopic } : null,
          version: packageVersion(),
          logger: logger.child('home-assistant'),
        }),
      );
    }
    let bread: BreadMonitor | null = null;
    if (config.bread !== null) {
      const sensor = await loadSensor(config.bread.sensor, { clock: scheduler, boards });
      bread = new BreadMonitor({ sensor, link: publisher, config: config.bread, scheduler, logger: logger.child('bread') });
      components.push(bread);
    }
    for (const inputConfig of config.inputs) {
      const input = await loadInput(inputConfig, {
        logger,
        scheduler,
        emit: (event) => this.onButton(event),
        boards,
        onInterrupt: this.ctx.onInterrupt ?? (() => process.kill(process.pid, 'SIGINT')),
        ...(this.ctx.stdin ? { stdin: this.ctx.stdin } : {}),
        ...(this.ctx.Gpio ? { Gpio: this.ctx.Gpio } : {}),
        ...(this.ctx.gpioRoot ? { gpioRoot: this.ctx.gpioRoot } : {}),
      });
      this.inputs.push(input);
      components.push(input);
    }
    this.parts = { outbox, publisher, sender, votes, polls, bread, info };
    await this.lifecycle.start(components);
    logger.info(`device ${config.deviceId} started`, {
      buttons: this.buttons.size,
      inputs: config.inputs.map((i) => i.type).join(' ') || 'none',
      bread: config.bread?.sensor.type ?? 'none',
      poll: config.pollId ?? 'the open one',
    });
  }

  stop(): Promise<void> {
    return this.lifecycle.stop();
  }

  private onButton(event: ButtonEvent): void {
    const parts = this.parts;
    const button = this.buttons.get(event.button);
    if (parts === null || button === undefined) return;
    if (event.type !== 'press' && event.type !== 'long-press') {
      this.ctx.logger.debug(`button ${event.button} ${event.type}`);
      return;
    }
    parts.publisher.publish(this.topics.deviceButton(this.ctx.config.deviceId, event.button), encodeButtonEvent({ event: event.type, ts: event.at }), {
      qos: 0,
      retain: false,
    });
    const action = event.type === 'press' ? button.config.press : button.config.longPress;
    if (action !== null) parts.votes.vote(event.button, action, button.source);
    parts.info.activity();
  }
}

/** What the room view shows of this agent's config (shared/codecs/device-info.ts): no pins, no secrets. */
function deviceInfoOf(config: DeviceConfig): Pick<DeviceInfo, 'version' | 'inputs' | 'sensors'> {
  return {
    version: packageVersion(),
    inputs: config.inputs.map((input) => ({
      type: input.type,
      buttons: input.buttons.map((b) => ({ id: b.id, press: b.press?.vote ?? null, longPress: b.longPress?.vote ?? null })),
    })),
    sensors: config.bread === null ? [] : [{ type: config.bread.sensor.type, topic: config.bread.topic }],
  };
}
