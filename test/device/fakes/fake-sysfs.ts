import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface FakeChip {
  label: string;
  base: number;
  ngpio: number;
}

/** A /sys/class/gpio tree with the given chips, in a temporary folder. */
export function fakeGpioSysfs(chips: FakeChip[]): { root: string; dispose(): void } {
  const root = mkdtempSync(join(tmpdir(), 'mqtt-classroom-sysfs-'));
  writeFileSync(join(root, 'export'), '');
  writeFileSync(join(root, 'unexport'), '');
  for (const chip of chips) {
    const dir = join(root, `gpiochip${chip.base}`);
    mkdirSync(dir);
    writeFileSync(join(dir, 'label'), `${chip.label}\n`);
    writeFileSync(join(dir, 'base'), `${chip.base}\n`);
    writeFileSync(join(dir, 'ngpio'), `${chip.ngpio}\n`);
  }
  return { root, dispose: () => rmSync(root, { recursive: true, force: true }) };
}

/** What `ls /sys/class/gpio` shows on a Raspberry Pi 5 with a 6.6 kernel. */
export const PI5_CHIPS: FakeChip[] = [
  { label: 'gpio-brcmstb@107d508500', base: 512, ngpio: 32 },
  { label: 'gpio-brcmstb@107d508520', base: 544, ngpio: 15 },
  { label: 'pinctrl-rp1', base: 571, ngpio: 54 },
];

/** A Raspberry Pi 4 with a 6.6 kernel. */
export const PI4_CHIPS: FakeChip[] = [
  { label: 'pinctrl-bcm2711', base: 512, ngpio: 58 },
  { label: 'raspberrypi-exp-gpio', base: 570, ngpio: 8 },
];
