import { isClassroomError } from '../shared/errors/classroom-error.js';
import { DAMAGED_FILE_EXIT_CODE, DamagedFileError } from '../runtime/errors/damaged-file-error.js';

/**
 * What the CLI prints for an error that reached it, and its exit code: a user
 * mistake is its message alone (2), a damaged file 3 (systemd does not restart on
 * it: deploy/systemd), anything else a bug with its stack (1). Shared by the full
 * CLI and the device command's own entry (cli/device-entry.ts).
 */
export function reportError(error: unknown, stderr: (text: string) => void): number {
  if (isClassroomError(error)) {
    stderr(`mqtt-classroom: ${error.message}\n`);
    return error instanceof DamagedFileError ? DAMAGED_FILE_EXIT_CODE : 2;
  }
  stderr(`mqtt-classroom: unexpected error (please report it):\n${error instanceof Error ? error.stack : String(error)}\n`);
  return 1;
}
