import { type Logger, createLogger } from '../../../runtime/logger.js';

/** A logger that keeps its lines, for tests that check what a user is told. */
export function captureLogger(): { logger: Logger; lines: string[]; text(): string } {
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', write: (line) => lines.push(line) });
  return { logger, lines, text: () => lines.join('\n') };
}
