import type { Logger } from './logger.js';

/** Anything with a start/stop life: extensions, brokers, stores, agents. */
export interface Component {
  readonly name: string;
  start(): Promise<void> | void;
  stop(): Promise<void> | void;
}

/**
 * Starts components in order and stops them in reverse, each stop in its own
 * try/catch so one failing part does not keep the others (the database!) open.
 * If a start fails, what already started is stopped again before rethrowing.
 */
export class Lifecycle {
  private readonly started: Component[] = [];
  private stopping: Promise<void> | null = null;

  constructor(private readonly logger: Logger) {}

  async start(components: readonly Component[]): Promise<void> {
    for (const component of components) {
      try {
        await component.start();
        this.started.push(component);
      } catch (error) {
        await this.stop();
        throw error;
      }
    }
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      for (const component of [...this.started].reverse()) {
        try {
          await component.stop();
        } catch (error) {
          this.logger.error(`could not stop ${component.name} cleanly`, { error: error instanceof Error ? error.message : String(error) });
        }
      }
      this.started.length = 0;
    })();
    return this.stopping;
  }
}

export interface SignalOptions {
  logger: Logger;
  /** Injected so shutdown is testable; defaults to process.exit. */
  exit?: (code: number) => void;
  process?: Pick<NodeJS.Process, 'on' | 'off'>;
}

/**
 * SIGINT and SIGTERM, handled once behind a guard: the first stops everything and
 * exits 0; a second Ctrl-C while stopping exits at once with 130.
 */
export function stopOnSignals(stop: () => Promise<void>, options: SignalOptions): () => void {
  const proc = options.process ?? process;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      options.logger.warn(`${signal} again: exiting without waiting`);
      exit(130);
      return;
    }
    stopping = true;
    options.logger.info(`${signal} received, stopping`);
    stop().then(
      () => exit(0),
      (error: unknown) => {
        options.logger.error('stop failed', { error: error instanceof Error ? error.message : String(error) });
        exit(1);
      },
    );
  };
  proc.on('SIGINT', onSignal);
  proc.on('SIGTERM', onSignal);
  return () => {
    proc.off('SIGINT', onSignal);
    proc.off('SIGTERM', onSignal);
  };
}
