// These packages ship no types. The code that loads them (device/firmata/) casts
// them to the small interfaces in device/firmata/types.ts: only what we use.
declare module 'johnny-five';
declare module 'firmata-io';
declare module 'etherport-client';
