import { writeFileSync } from 'node:fs';
import { loadAdminEnv } from '../../runtime/env.js';
import { adminClientFromConfig } from '../../server/admin-client.js';
import { LessonUsageError } from './lesson.js';
import type { CliContext } from '../main.js';

interface Common {
  server?: string;
}

function client(ctx: CliContext, options: Common) {
  return adminClientFromConfig(loadAdminEnv({ env: ctx.env }), options.server === undefined ? {} : { serverUrl: options.server });
}

/** `quiz export LESSON`: the per-student table, CSV or JSON. */
export async function quizExport(id: string, options: Common & { format: string; output?: string }, ctx: CliContext): Promise<void> {
  if (options.format !== 'csv' && options.format !== 'json') throw new LessonUsageError('--format must be csv or json.');
  const raw = await client(ctx, options).exportQuiz(id, options.format);
  const text = options.format === 'json' ? `${JSON.stringify(JSON.parse(raw), null, 2)}\n` : raw;
  if (options.output === undefined) {
    ctx.stdout(text);
    return;
  }
  writeFileSync(options.output, text);
  ctx.stdout(`quiz ${id}: scores written to ${options.output}\n`);
}

/** `quiz leaderboard LESSON [--hide]`. */
export async function quizLeaderboard(id: string, options: Common & { hide?: boolean }, ctx: CliContext): Promise<void> {
  await client(ctx, options).showLeaderboard(id, options.hide !== true);
  ctx.stdout(options.hide === true ? `quiz ${id}: leaderboard hidden\n` : `quiz ${id}: leaderboard shown on the kiosk\n`);
}
