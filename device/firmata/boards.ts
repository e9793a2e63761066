import type { Logger } from '../../runtime/logger.js';
import type { Component } from '../../runtime/lifecycle.js';
import { systemScheduler } from '../../runtime/scheduler.js';
import type { Scheduler } from '../../shared/scheduler.js';
import type { BoardConfig } from '../config.js';
import { BoardError } from '../errors/board-error.js';
import { openFirmataIo, whereIs } from './open-io.js';
import { WifiLink } from './wifi-link.js';
import type { FiveBoard, FiveModule, FirmataIo, OpenedIo } from './types.js';

export interface ConnectedBoard {
  readonly id: string;
  readonly board: FiveBoard;
  readonly io: FirmataIo;
  readonly five: FiveModule;
  /**
   * Called when the board forgot its pin setup: it was reset (the firmware announced
   * itself again) or its Wi-Fi connection came back. Returns an unsubscribe.
   */
  onRestart(listener: () => void): () => void;
}

export interface BoardRegistryContext {
  readonly boards: readonly BoardConfig[];
  readonly logger: Logger;
  /** The connect timeout runs on it (the agent's one scheduler); default the system's. */
  readonly scheduler?: Scheduler;
  /** Default: firmata-io over serialport or etherport-client. Tests pass mock-firmata. */
  readonly openIo?: (board: BoardConfig) => Promise<OpenedIo>;
  /** Default: a dynamic import of johnny-five, so it loads only when a board is used. */
  readonly loadFive?: () => Promise<FiveModule>;
}

/**
 * The Firmata boards of the config, each connected once on first use and shared by
 * the buttons, LEDs and thermometer on it. Stopped after the inputs and sensors.
 */
export class BoardRegistry implements Component {
  readonly name = 'firmata boards';
  private readonly connecting = new Map<string, Promise<ConnectedBoard>>();
  private readonly opened: OpenedIo[] = [];
  private readonly links: WifiLink[] = [];

  constructor(private readonly ctx: BoardRegistryContext) {}

  start(): void {
    // Boards connect on first use: a config may name a board nothing uses yet.
  }

  get(id: string): Promise<ConnectedBoard> {
    let board = this.connecting.get(id);
    if (board === undefined) {
      const config = this.ctx.boards.find((b) => b.id === id);
      if (config === undefined) return Promise.reject(new Error(`no board "${id}" in the config`));
      board = this.connect(config);
      this.connecting.set(id, board);
    }
    return board;
  }

  async stop(): Promise<void> {
    for (const link of this.links.splice(0)) link.stop();
    for (const opened of this.opened.splice(0).reverse()) {
      try {
        await opened.close();
      } catch (error) {
        this.ctx.logger.warn(`could not close the board at ${opened.where}`, { error: error instanceof Error ? error.message : String(error) });
      }
    }
    this.connecting.clear();
  }

  private async connect(config: BoardConfig): Promise<ConnectedBoard> {
    const { logger } = this.ctx;
    const where = whereIs(config);
    // johnny-five first: the Board must be made in the same tick as the IO, or the
    // IO's "connect" can pass unseen while we wait, and the Board then waits for
    // it forever after "ready".
    const five = await (this.ctx.loadFive ?? loadJohnnyFive)();
    const opened = await (this.ctx.openIo ?? openFirmataIo)(config);
    this.opened.push(opened);
    const { io } = opened;
    let board: FiveBoard | null = null;
    try {
      board = await new Promise<FiveBoard>((resolve, reject) => {
        const scheduler = this.ctx.scheduler ?? systemScheduler;
        const timer = scheduler.setTimer(() => reject(timeoutError(config, where)), config.timeoutMs);
        // Before "ready" nothing else listens: an unhandled 'error' would crash the agent.
        io.once('error', (error: Error) => {
          scheduler.clearTimer(timer);
          reject(openError(config, where, error));
        });
        const created = new five.Board({ io, id: config.id, repl: false, debug: false, sigint: false, timeout: config.timeoutMs });
        board = created;
        created.on('error', (error: Error) => {
          scheduler.clearTimer(timer);
          reject(timeoutError(config, where, error));
        });
        created.once('ready', () => {
          scheduler.clearTimer(timer);
          resolve(created);
        });
      });
    } catch (error) {
      // eslint-disable-next-line no-restricted-globals -- a timer the library started with the host's setTimeout
      if (board !== null) clearTimeout((board as FiveBoard).timer ?? undefined);
      throw error;
    }
    io.on('error', (error: Error) => logger.warn(`board ${config.id} (${where}) reported an error`, { error: error.message }));
    io.on('close', () => logger.error(`board ${config.id} (${where}) disconnected: its buttons and sensors are silent until it is back`));
    const listeners = new Set<() => void>();
    const restarted = (why: string) => {
      logger.warn(`board ${config.id} (${where}) ${why}: setting its pins up again`);
      for (const listener of listeners) listener();
    };
    if (opened.dropConnection !== undefined && config.transport.kind === 'tcp') {
      // Over Wi-Fi: a heartbeat finds a dead link, a reconnect is a new handshake (wifi-link.ts).
      const link = new WifiLink({
        boardId: config.id,
        where,
        io,
        scheduler: this.ctx.scheduler ?? systemScheduler,
        logger,
        heartbeatMs: config.transport.heartbeatMs,
        dropConnection: opened.dropConnection,
        onRestart: restarted,
      });
      link.start();
      this.links.push(link);
    } else {
      // A reset (reset button, brown-out, another program opening the port) makes
      // the firmware announce its version again, with every pin mode forgotten.
      io.on('reportversion', () => restarted('was reset (its firmware announced itself again)'));
    }
    logger.info(`board ${config.id} ready`, { at: where });
    return {
      id: config.id,
      board,
      io,
      five,
      onRestart: (listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    };
  }
}

async function loadJohnnyFive(): Promise<FiveModule> {
  const module = (await import('johnny-five')) as { default?: FiveModule } & FiveModule;
  return module.default ?? module;
}

function timeoutError(config: BoardConfig, where: string, cause?: unknown): BoardError {
  const fix =
    config.transport.kind === 'tcp'
      ? `Check that the board is powered and on the same network, that it runs StandardFirmataWiFi or ConfigurableFirmata listening on port ${config.transport.port}, and its IP address (your router's client list or the board's serial monitor).`
      : `Check that the board runs StandardFirmata (Arduino IDE: File > Examples > Firmata > StandardFirmata) at ${config.transport.baudRate} baud, and that ${config.transport.path} is this board.`;
  return new BoardError(config.id, where, `no Firmata answer within ${config.timeoutMs} ms`, fix, { cause });
}

function openError(config: BoardConfig, where: string, error: Error): BoardError {
  const text = error.message;
  let fix = 'Check the cable and the serial path.';
  if (/ENOENT|No such file/i.test(text)) fix = 'Plug the board in and check the path: `ls /dev/ttyACM* /dev/ttyUSB*` lists the serial ports.';
  else if (/EACCES|Permission denied/i.test(text)) fix = 'Add your user to the dialout group (`sudo usermod -aG dialout $USER`, then log out and back in).';
  else if (/lock|busy|temporarily unavailable/i.test(text)) fix = 'Another program holds the port (an Arduino IDE serial monitor?): close it.';
  return new BoardError(config.id, where, `cannot be opened: ${text}`, fix, { cause: error });
}
