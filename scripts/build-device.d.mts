import type { BuildOptions } from 'esbuild';

export declare const DEVICE_EXTERNAL: readonly string[];
export declare function deviceBundleOptions(entryPoints: Record<string, string>, outdir: string): BuildOptions & { metafile: true };
