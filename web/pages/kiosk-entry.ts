/**
 * The kiosk's script (assets/kiosk.js), run twice when the page counts raw votes
 * (`?topic=`): in the page it is the results screen (kiosk.ts); started again as
 * the page's module worker it is the raw-vote counter (web/lib/raw-worker.ts). One
 * file for both, so the worker adds no bytes to the kiosk's budget: the browser has
 * it already and revalidates it (a 304). esbuild bundles the two dynamic imports
 * into this one file and runs only the one taken.
 */
if (typeof document === 'undefined') void import('../lib/raw-worker.js');
else void import('./kiosk.js');
