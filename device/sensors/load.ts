import type { Clock } from '../../runtime/clock.js';
import type { SensorConfig } from '../config.js';
import type { BoardRegistry } from '../firmata/boards.js';
import type { TemperatureSensor } from './sensor.js';

export interface LoadSensorContext {
  readonly clock: Clock;
  readonly boards: Pick<BoardRegistry, 'get'>;
}

/** Builds the configured probe, importing only its module. */
export async function loadSensor(config: SensorConfig, ctx: LoadSensorContext): Promise<TemperatureSensor> {
  switch (config.type) {
    case 'ds18b20': {
      const { Ds18b20Sensor } = await import('./ds18b20.js');
      return new Ds18b20Sensor({ w1Root: config.w1Root, ...(config.id === undefined ? {} : { id: config.id }) });
    }
    case 'firmata': {
      const { FirmataThermometer } = await import('./firmata-thermometer.js');
      return new FirmataThermometer({
        boards: ctx.boards,
        clock: ctx.clock,
        board: config.board,
        controller: config.controller,
        pin: config.pin,
        freqMs: config.freqMs,
        ...(config.aref === undefined ? {} : { aref: config.aref }),
      });
    }
    case 'simulated': {
      const { SimulatedOven } = await import('./simulated-oven.js');
      return new SimulatedOven({ clock: ctx.clock, ...config });
    }
  }
}
