import { describe, expect, it, vi } from 'vitest';
import { BreadMonitor } from '../../device/bread-monitor.js';
import { parseDeviceConfig } from '../../device/config.js';
import { SensorFaultError } from '../../device/errors/sensor-fault-error.js';
import { SimulatedOven } from '../../device/sensors/simulated-oven.js';
import type { TemperatureSensor } from '../../device/sensors/sensor.js';
import { DEFAULT_BREAD_THRESHOLDS, INITIAL_BREAD, stepBread } from '../../shared/bread.js';
import { ManualScheduler } from '../harness/manual-scheduler.js';
import { FakeLink } from './helpers/fake-link.js';
import { captureLogger } from './helpers/logs.js';

// The monitor runs on a ManualScheduler: time moves only when a test says so, and a
// test waits for each reading to finish (the next timer is set) instead of sleeping.

/** A probe that returns the scripted readings one by one (a string is a fault). */
function scripted(readings: (number | string)[]): TemperatureSensor {
  return {
    name: 'scripted probe',
    start: async () => undefined,
    stop: async () => undefined,
    read: async () => {
      const next = readings.shift();
      if (next === undefined) throw new SensorFaultError('scripted probe', 'script over');
      if (typeof next === 'string') throw new SensorFaultError('scripted probe', next);
      return next;
    },
  };
}

function breadConfig(extra: object = {}) {
  const config = parseDeviceConfig({ deviceId: 'd', bread: { sensor: { type: 'simulated' }, intervalMs: 1_000, deltaC: 0.5, heartbeatMs: 10_000, ...extra } }).bread;
  if (config === null) throw new Error('no bread config');
  return config;
}

/** Moves time `ms` on and waits until the reading it started is done (the next one is scheduled). */
async function tick(scheduler: ManualScheduler, ms: number) {
  scheduler.advance(ms);
  await vi.waitFor(() => expect(scheduler.pending).toBeGreaterThan(0), { interval: 1 });
}

async function run(monitor: BreadMonitor, scheduler: ManualScheduler, ticks: number, intervalMs = 1_000) {
  await monitor.start();
  for (let i = 0; i < ticks; i += 1) await tick(scheduler, i === 0 ? 0 : intervalMs);
}

describe('BreadMonitor', () => {
  it('publishes the temperature only when it moved more than deltaC, or on the heartbeat', async () => {
    const scheduler = new ManualScheduler();
    const link = new FakeLink();
    const readings = [20, 20.2, 20.4, 20.6, 20.7, 20.7, 20.7, 20.7, 20.7, 20.7, 20.7, 20.7, 20.7, 20.7, 20.7];
    const monitor = new BreadMonitor({ sensor: scripted(readings), link, config: breadConfig(), scheduler, logger: captureLogger().logger });
    await run(monitor, scheduler, 15);
    // 20 (first), 20.6 (moved 0.6), then the same value again after the 10 s heartbeat.
    expect(link.on('pain/cuisson/temperature')).toEqual(['20', '20.6', '20.7']);
    expect(link.published.find((p) => p.topic === 'pain/cuisson/temperature')).toMatchObject({ retain: true, qos: 1 });
    await monitor.stop();
  });

  it('publishes the doneness state, retained, once per change, through every state without flapping', async () => {
    const scheduler = new ManualScheduler();
    const link = new FakeLink();
    // Wobbling around each threshold by less than the hysteresis (1.5 °C).
    const readings = [21, 39.5, 40.2, 39.4, 40.1, 60, 91.8, 92.1, 91.2, 92.3, 95, 98.9, 99.1, 98.2, 99.2];
    const monitor = new BreadMonitor({ sensor: scripted(readings), link, config: breadConfig(), scheduler, logger: captureLogger().logger });
    await run(monitor, scheduler, readings.length);
    expect(link.on('pain/cuisson')).toEqual(['froid', 'cuisson', 'prêt', 'brûlé']);
    expect(link.published.filter((p) => p.topic === 'pain/cuisson').every((p) => p.retain)).toBe(true);
    expect(monitor.state.state).toBe('brûlé');
    await monitor.stop();
  });

  it('logs a probe fault once when it starts and once when it ends, and keeps going', async () => {
    const scheduler = new ManualScheduler();
    const link = new FakeLink();
    const log = captureLogger();
    const monitor = new BreadMonitor({
      sensor: scripted([20, 'bad CRC', 'bad CRC', 'bad CRC', 21]),
      link,
      config: breadConfig(),
      scheduler,
      logger: log.logger,
    });
    await run(monitor, scheduler, 5);
    expect(log.lines.filter((l) => l.includes('bread probe fault: scripted probe: bad CRC'))).toHaveLength(1);
    expect(log.lines.filter((l) => l.includes('bread probe reads again'))).toHaveLength(1);
    expect(link.on('pain/cuisson/temperature')).toEqual(['20', '21']);
    await monitor.stop();
  });

  it('re-publishes state and temperature after a reconnect, and nothing while offline', async () => {
    const scheduler = new ManualScheduler();
    const link = new FakeLink();
    const monitor = new BreadMonitor({ sensor: scripted([50, 50, 60, 61]), link, config: breadConfig(), scheduler, logger: captureLogger().logger });
    await run(monitor, scheduler, 2);
    link.connected = false;
    await tick(scheduler, 1_000);
    await tick(scheduler, 1_000);
    expect(link.on('pain/cuisson/temperature')).toEqual(['50']);
    link.connect();
    expect(link.on('pain/cuisson')).toEqual(['cuisson', 'cuisson']);
    expect(link.on('pain/cuisson/temperature')).toEqual(['50', '61']);
    await monitor.stop();
  });

  it('uses the topics of its config', async () => {
    const scheduler = new ManualScheduler();
    const link = new FakeLink();
    // device.json fixes them (the broker's rules allow no other); the monitor publishes wherever its config says.
    const config = { ...breadConfig(), topic: 'maison/four', temperatureTopic: 'maison/four/temperature' };
    const monitor = new BreadMonitor({ sensor: scripted([20]), link, config, scheduler, logger: captureLogger().logger });
    await run(monitor, scheduler, 1);
    expect(link.on('maison/four')).toEqual(['froid']);
    expect(link.on('maison/four/temperature')).toEqual(['20']);
    await monitor.stop();
  });
});

describe('SimulatedOven', () => {
  it('passes through every doneness state once per bake, without flapping, and bakes again', () => {
    const oven = new SimulatedOven({ clock: new ManualScheduler(), durationMs: 180_000, ambient: 20, peak: 105, wobble: 0.6, repeat: true });
    let machine = INITIAL_BREAD;
    const states: string[] = [];
    for (let t = 0; t <= 2 * 270_000; t += 500) {
      machine = stepBread(machine, { celsius: oven.at(t), at: t }, { ...DEFAULT_BREAD_THRESHOLDS, burntAfterMs: null });
      if (states[states.length - 1] !== machine.state) states.push(machine.state);
    }
    expect(states).toEqual(['froid', 'cuisson', 'prêt', 'brûlé', 'froid', 'cuisson', 'prêt', 'brûlé', 'froid']);
  });

  it('stays hot when it does not repeat', () => {
    const oven = new SimulatedOven({ clock: new ManualScheduler(), durationMs: 1_000, ambient: 20, peak: 105, wobble: 0, repeat: false });
    expect(oven.at(0)).toBe(20);
    expect(oven.at(1_000)).toBe(105);
    expect(oven.at(50_000)).toBe(105);
  });
});
