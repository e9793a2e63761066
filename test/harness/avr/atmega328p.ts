import {
  AVRADC,
  AVRIOPort,
  AVRTimer,
  AVRUSART,
  CPU,
  adcConfig,
  avrInstruction,
  portBConfig,
  portCConfig,
  portDConfig,
  timer0Config,
  timer1Config,
  timer2Config,
  usart0Config,
} from 'avr8js';

/** The Uno's crystal. */
export const CLOCK_HZ = 16_000_000;
export const CYCLES_PER_MS = CLOCK_HZ / 1000;

export type PortName = 'B' | 'C' | 'D';

/**
 * One powered-up ATmega328P with the peripherals StandardFirmata touches: timers
 * 0-2 (millis(), PWM), USART0 (the USB serial link), the ADC (analogRead would
 * spin forever without it) and ports B, C, D. A reset builds a new one: avr8js's
 * `cpu.reset()` leaves peripheral registers as they were, a real reset does not.
 */
export class Atmega328p {
  readonly cpu: CPU;
  readonly usart: AVRUSART;
  readonly adc: AVRADC;
  readonly ports: Readonly<Record<PortName, AVRIOPort>>;
  // Kept so they are not collected: they live through the CPU's hooks.
  readonly timers: readonly AVRTimer[];

  constructor(flash: Uint16Array) {
    // A copy, so a program writing to flash (it cannot, but avr8js would let it)
    // never leaks into the next reset.
    this.cpu = new CPU(new Uint16Array(flash));
    this.timers = [timer0Config, timer1Config, timer2Config].map((config) => new AVRTimer(this.cpu, config));
    this.usart = new AVRUSART(this.cpu, usart0Config, CLOCK_HZ);
    this.adc = new AVRADC(this.cpu, adcConfig);
    this.ports = {
      B: new AVRIOPort(this.cpu, portBConfig),
      C: new AVRIOPort(this.cpu, portCConfig),
      D: new AVRIOPort(this.cpu, portDConfig),
    };
  }

  get cycles(): number {
    return this.cpu.cycles;
  }

  /** Executes instructions until the cycle counter reaches `untilCycles`. */
  runUntil(untilCycles: number): void {
    const { cpu } = this;
    while (cpu.cycles < untilCycles) {
      avrInstruction(cpu);
      cpu.tick();
    }
  }
}

/** Arduino Uno digital pin number -> ATmega328P port and bit (D0-7 PD, D8-13 PB, A0-A5 = D14-19 PC). */
export function unoPin(pin: number): { port: PortName; bit: number } {
  if (!Number.isInteger(pin) || pin < 0 || pin > 19) {
    throw new RangeError(`Arduino Uno pin ${pin} does not exist (0-13, A0-A5 = 14-19)`);
  }
  if (pin < 8) return { port: 'D', bit: pin };
  if (pin < 14) return { port: 'B', bit: pin - 8 };
  return { port: 'C', bit: pin - 14 };
}
