import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Where the 40-pin header's GPIO lines start in the sysfs numbering.
 *
 * Raspberry Pi OS kernels from 6.6 on number sysfs GPIOs after the other chips, so
 * BCM 17 is no longer `gpio17`: it is base + 17, with the base of the header's
 * controller (571 on a Pi 5's RP1, 512 on a Pi 4). Users write BCM numbers as on
 * every pinout diagram; we find the base by the controller's label.
 */
export const HEADER_CHIP_LABELS = ['pinctrl-rp1', 'pinctrl-bcm2711', 'pinctrl-bcm2835'] as const;

export const DEFAULT_GPIO_ROOT = '/sys/class/gpio';

export interface GpioChip {
  /** Folder name, e.g. gpiochip571. */
  readonly name: string;
  readonly label: string;
  readonly base: number;
  readonly ngpio: number;
}

export interface HeaderBase {
  readonly base: number;
  /** The chip that gave the base; null when none matched and 0 was assumed. */
  readonly chip: GpioChip | null;
  /** Every chip seen, for the warning when none matched. */
  readonly chips: readonly GpioChip[];
}

export async function listGpioChips(root: string = DEFAULT_GPIO_ROOT): Promise<GpioChip[]> {
  const names = (await readdir(root)).filter((name) => name.startsWith('gpiochip'));
  const chips: GpioChip[] = [];
  for (const name of names) {
    try {
      const [label, base, ngpio] = await Promise.all(['label', 'base', 'ngpio'].map((f) => readFile(join(root, name, f), 'utf8').then((t) => t.trim())));
      const baseNumber = Number(base);
      if (label === undefined || !Number.isInteger(baseNumber)) continue;
      chips.push({ name, label, base: baseNumber, ngpio: Number(ngpio ?? 0) });
    } catch {
      // A chip folder without the usual files (another driver): not ours.
    }
  }
  return chips.sort((a, b) => a.base - b.base);
}

export interface FindBaseOptions {
  root?: string;
  /** From the config's "chip": a fixed base, or another controller label to look for. */
  override?: { label?: string; base?: number } | null;
}

/** Finds the sysfs base of the header's GPIO controller (see the module comment). */
export async function findHeaderBase(options: FindBaseOptions = {}): Promise<HeaderBase> {
  const root = options.root ?? DEFAULT_GPIO_ROOT;
  if (options.override?.base !== undefined) return { base: options.override.base, chip: null, chips: [] };
  const chips = await listGpioChips(root);
  const labels = options.override?.label !== undefined ? [options.override.label] : HEADER_CHIP_LABELS;
  for (const label of labels) {
    const chip = chips.find((c) => c.label === label);
    if (chip !== undefined) return { base: chip.base, chip, chips };
  }
  // Old kernels put the SoC's controller first, at 0.
  return { base: 0, chip: null, chips };
}
