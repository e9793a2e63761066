export { GpioAccessError } from './gpio-access-error.js';
export { BoardError } from './board-error.js';
export { SensorFaultError } from './sensor-fault-error.js';
export { OutboxError } from './outbox-error.js';
export { OutboxLockedError } from './outbox-locked-error.js';
