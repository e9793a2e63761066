import { ClassroomError } from '../../shared/errors/classroom-error.js';

/** Another agent already runs on this outbox (the same device id, the same DATA_DIR). */
export class OutboxLockedError extends ClassroomError {
  override readonly name = 'OutboxLockedError';

  constructor(
    readonly lockPath: string,
    readonly holder: { readonly pid: number; readonly since: string },
  ) {
    super(
      `Another agent already uses this outbox: pid ${holder.pid}, running since ${holder.since} (lock ${lockPath}). ` +
        'Two agents with one device id would take turns closing each other\'s MQTT connection and share one outbox file. ' +
        `Stop the other one first (systemctl stop mqtt-classroom-device, or kill ${holder.pid}), or give this one another deviceId.`,
    );
  }
}
