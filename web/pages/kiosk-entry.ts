/**
 * The kiosk's script (assets/kiosk.js), run twice when the page counts raw votes
 * (`?topic=`): in the page it is the results screen (kiosk.ts); started again as
 * the page's module worker it is the raw-vote counter (web/lib/raw-worker.ts). One
 * file for both, so the worker adds no bytes to the kiosk's budget: the browser has
 * it already and revalidates it (a 304). esbuild bundles the two dynamic imports
 * into this one file and runs only the one taken; as the code is already there, the
 * worker's handler is set in the microtasks of its first run, before the page's
 * first message (a task) is delivered.
 */
import type { RawWorkerScope } from '../lib/raw-worker.js';

if (typeof document === 'undefined') void import('../lib/raw-worker.js').then(({ serveRawCounting }) => serveRawCounting(globalThis as unknown as RawWorkerScope));
else void import('./kiosk.js');
