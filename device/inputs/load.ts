import type { InputConfig } from '../config.js';
import type { BoardRegistry } from '../firmata/boards.js';
import type { ButtonInput, InputContext } from './input.js';
import type { KeyStream } from './keyboard.js';
import type { GpioClass } from './gpio.js';

export interface LoadInputContext extends InputContext {
  readonly boards: Pick<BoardRegistry, 'get'>;
  readonly stdin?: KeyStream;
  readonly onInterrupt?: () => void;
  readonly Gpio?: GpioClass;
  readonly gpioRoot?: string;
}

/**
 * Builds the back end of one input, importing only its module: a laptop running
 * the keyboard demo never loads onoff (and its native epoll) or johnny-five.
 */
export async function loadInput(config: InputConfig, ctx: LoadInputContext): Promise<ButtonInput> {
  const base = { logger: ctx.logger.child(config.type), scheduler: ctx.scheduler, emit: ctx.emit };
  switch (config.type) {
    case 'gpio': {
      const { OnoffInput } = await import('./gpio.js');
      return new OnoffInput({ ...base, config, ...(ctx.Gpio ? { Gpio: ctx.Gpio } : {}), ...(ctx.gpioRoot ? { gpioRoot: ctx.gpioRoot } : {}) });
    }
    case 'firmata': {
      const { FirmataInput } = await import('./firmata.js');
      return new FirmataInput({ ...base, config, boards: ctx.boards });
    }
    case 'keyboard': {
      const { KeyboardInput } = await import('./keyboard.js');
      return new KeyboardInput({ ...base, config, ...(ctx.stdin ? { stdin: ctx.stdin } : {}), ...(ctx.onInterrupt ? { onInterrupt: ctx.onInterrupt } : {}) });
    }
    case 'simulation': {
      const { SimulationInput } = await import('./simulation.js');
      return new SimulationInput({ ...base, config });
    }
  }
}
