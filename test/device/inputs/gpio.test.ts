import { afterEach, describe, expect, it } from 'vitest';
import { parseDeviceConfig } from '../../../device/config.js';
import { GpioAccessError } from '../../../device/errors/gpio-access-error.js';
import { findHeaderBase } from '../../../device/inputs/gpio-base.js';
import { type GpioInputConfig, OnoffInput } from '../../../device/inputs/gpio.js';
import { silentLogger } from '../../../runtime/logger.js';
import { ManualScheduler } from '../../harness/manual-scheduler.js';
import { createFakeGpio } from '../fakes/fake-gpio.js';
import { PI4_CHIPS, PI5_CHIPS, fakeGpioSysfs } from '../fakes/fake-sysfs.js';
import { captureLogger } from '../helpers/logs.js';

const disposers: (() => void)[] = [];
afterEach(() => {
  for (const dispose of disposers.splice(0)) dispose();
});

function sysfs(chips: Parameters<typeof fakeGpioSysfs>[0]) {
  const tree = fakeGpioSysfs(chips);
  disposers.push(tree.dispose);
  return tree.root;
}

function gpioConfig(input: object): GpioInputConfig {
  return parseDeviceConfig({ deviceId: 'box-1', inputs: [{ type: 'gpio', ...input }] }).inputs[0] as GpioInputConfig;
}

describe('findHeaderBase', () => {
  it('finds the RP1 controller of a Pi 5 at 571', async () => {
    expect(await findHeaderBase({ root: sysfs(PI5_CHIPS) })).toMatchObject({ base: 571, chip: { label: 'pinctrl-rp1' } });
  });

  it('finds the BCM2711 controller of a Pi 4 at 512', async () => {
    expect(await findHeaderBase({ root: sysfs(PI4_CHIPS) })).toMatchObject({ base: 512, chip: { label: 'pinctrl-bcm2711' } });
  });

  it('uses 0 on an old kernel where the BCM2835 controller comes first', async () => {
    expect((await findHeaderBase({ root: sysfs([{ label: 'pinctrl-bcm2835', base: 0, ngpio: 54 }]) })).base).toBe(0);
  });

  it('falls back to 0, reporting what it saw, when no known controller is there', async () => {
    const found = await findHeaderBase({ root: sysfs([{ label: 'gpio-sunxi', base: 32, ngpio: 32 }]) });
    expect(found).toMatchObject({ base: 0, chip: null, chips: [{ label: 'gpio-sunxi', base: 32 }] });
  });

  it('takes a base or a label from the config', async () => {
    const root = sysfs(PI5_CHIPS);
    expect((await findHeaderBase({ root, override: { base: 100 } })).base).toBe(100);
    expect((await findHeaderBase({ root, override: { label: 'gpio-brcmstb@107d508520' } })).base).toBe(544);
  });
});

describe('OnoffInput', () => {
  const make = (input: object, root: string, fake = createFakeGpio(), logger = silentLogger, scheduler = new ManualScheduler()) => ({
    fake,
    scheduler,
    adapter: new OnoffInput({ config: gpioConfig(input), Gpio: fake.Gpio, gpioRoot: root, logger, scheduler, emit: () => undefined }),
  });

  it('opens BCM pins at the controller base, as inputs on both edges with onoff debounce off', async () => {
    const { fake, adapter } = make({ buttons: [{ pin: 17 }, { pin: 27, activeLow: false }] }, sysfs(PI4_CHIPS));
    await adapter.start();
    expect(fake.state.pins.map((p) => [p.gpio, p.direction, p.edge, p.activeLow, p.debounceTimeout])).toEqual([
      [529, 'in', 'both', true, 0],
      [539, 'in', 'both', false, 0],
    ]);
    await adapter.stop();
    expect(fake.state.pins.every((p) => p.unexported)).toBe(true);
  });

  it('says which pins and how to fix it when GPIO is not accessible', async () => {
    const fake = createFakeGpio();
    fake.state.accessible = false;
    const { adapter } = make({ buttons: [{ pin: 17 }, { pin: 27, led: 5 }] }, sysfs(PI5_CHIPS), fake);
    const error = await adapter.start().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GpioAccessError);
    expect((error as Error).message).toContain('BCM 17, BCM 27, BCM 5');
    expect((error as Error).message).toContain('sudo usermod -aG gpio $USER');
  });

  it('names a busy pin, and unexports the pins it had already opened', async () => {
    const fake = createFakeGpio();
    fake.state.failures.set(571 + 22, 'EBUSY');
    const { adapter } = make({ buttons: [{ pin: 17 }, { pin: 22 }] }, sysfs(PI5_CHIPS), fake);
    const error = await adapter.start().catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/^GPIO BCM 22: the pin is busy \(sysfs 593 = base 571 \+ 22\)/);
    expect((error as Error).message).toContain('gpioinfo');
    expect(fake.state.pins.map((p) => [p.gpio, p.unexported])).toEqual([[588, true]]);
  });

  it('tells a user outside the gpio group what to do', async () => {
    const fake = createFakeGpio();
    fake.state.failures.set(571 + 17, 'EACCES');
    const { adapter } = make({ buttons: [{ pin: 17 }] }, sysfs(PI5_CHIPS), fake);
    await expect(adapter.start()).rejects.toThrow(/BCM 17: permission denied.*usermod -aG gpio/);
  });

  it('warns when a button reads pressed at start-up (pull-up not enabled), without voting', async () => {
    const fake = createFakeGpio();
    const events: unknown[] = [];
    const log = captureLogger();
    const root = sysfs(PI5_CHIPS);
    // Pull-down by default on BCM 9..27: an active-low input reads "pressed".
    fake.state.levels.set(571 + 17, 0);
    const adapter = new OnoffInput({ config: gpioConfig({ buttons: [{ pin: 17 }] }), Gpio: fake.Gpio, gpioRoot: root, logger: log.logger, scheduler: new ManualScheduler(), emit: (e) => events.push(e) });
    await adapter.start();
    expect(log.text()).toContain('gpio=17=ip,pu');
    expect(events).toEqual([]);
    await adapter.stop();
  });

  it('blinks the LED of a button when its vote is acknowledged, and three times when rejected', async () => {
    const { fake, adapter, scheduler } = make({ buttons: [{ pin: 17, led: 5 }] }, sysfs(PI5_CHIPS));
    await adapter.start();
    const led = fake.pin(571 + 5)!;
    expect(led.direction).toBe('low');
    adapter.feedback('1', 'acknowledged');
    expect(led.level).toBe(1);
    scheduler.advance(1_000);
    expect(led.written).toEqual([1, 0]);
    led.written.length = 0;
    adapter.feedback('1', 'rejected');
    scheduler.advance(1_000);
    expect(led.written).toEqual([1, 0, 1, 0, 1, 0]);
    await adapter.stop();
    expect(led.unexported).toBe(true);
    expect(led.level).toBe(0);
  });
});
