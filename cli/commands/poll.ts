import { writeFileSync } from 'node:fs';
import { loadAdminEnv } from '../../runtime/env.js';
import { ClassroomError } from '../../shared/errors/classroom-error.js';
import { idProblem } from '../../shared/ids.js';
import { POLICIES, type PollOption, isPolicy } from '../../shared/poll.js';
import { adminClientFromConfig } from '../../server/admin-client.js';
import { EXPORT_FORMATS, type ExportFormat } from '../../server/polls/export.js';
import type { PollSummary } from '../../server/polls/poll-service.js';
import type { CliContext } from '../main.js';

/** A mistake in the command's arguments. */
export class PollUsageError extends ClassroomError {
  override readonly name = 'PollUsageError';
}

interface Common {
  server?: string;
}

function client(ctx: CliContext, options: Common) {
  const config = loadAdminEnv({ env: ctx.env });
  return adminClientFromConfig(config, options.server === undefined ? {} : { serverUrl: options.server });
}

/** `--option IFT1215` (id and label) or `--option "oui=Oui, bien sûr"` (id=label). */
export function parseOption(text: string): PollOption {
  if (idProblem(text) === null) return { id: text, label: text };
  const at = text.indexOf('=');
  if (at > 0) {
    const id = text.slice(0, at).trim();
    const label = text.slice(at + 1).trim();
    const problem = idProblem(id);
    if (problem !== null) throw new PollUsageError(`--option ${JSON.stringify(text)}: the id ${JSON.stringify(id)} is not usable: ${problem}.`);
    if (label.length === 0) throw new PollUsageError(`--option ${JSON.stringify(text)}: the label after = is empty.`);
    return { id, label };
  }
  throw new PollUsageError(
    `--option ${JSON.stringify(text)} is not a usable id (${idProblem(text)}); give an id and a label, e.g. --option "oui=${text}".`,
  );
}

export async function pollCreate(
  options: Common & { question: string; option: string[]; policy: string; id?: string; correct?: string; open?: boolean },
  ctx: CliContext,
): Promise<void> {
  if (!isPolicy(options.policy)) throw new PollUsageError(`--policy must be one of ${POLICIES.join(', ')} (got ${JSON.stringify(options.policy)}).`);
  if (options.option.length < 2) throw new PollUsageError('give at least two answers: --option A --option B');
  const admin = client(ctx, options);
  let summary = await admin.createPoll({
    ...(options.id === undefined ? {} : { id: options.id }),
    question: options.question,
    options: options.option.map(parseOption),
    policy: options.policy,
    ...(options.correct === undefined ? {} : { correct: options.correct }),
  });
  if (options.open === true) summary = await admin.openPoll(summary.poll.id);
  ctx.stdout(`created poll ${summary.poll.id} (${summary.poll.state}, ${summary.poll.policy}): ${summary.poll.question}\n`);
  if (options.open !== true) ctx.stdout(`open it for votes with: mqtt-classroom poll open ${summary.poll.id}\n`);
}

export async function pollChange(action: 'open' | 'close' | 'reset', id: string, options: Common, ctx: CliContext): Promise<void> {
  const admin = client(ctx, options);
  const summary = action === 'open' ? await admin.openPoll(id) : action === 'close' ? await admin.closePoll(id) : await admin.resetPoll(id);
  const what = action === 'reset' ? `reset: round ${summary.round} starts from zero, round ${summary.round - 1} is archived` : summary.poll.state;
  ctx.stdout(`poll ${id} ${what}\n`);
}

export async function pollReveal(id: string, options: Common & { correct?: string }, ctx: CliContext): Promise<void> {
  const summary = await client(ctx, options).revealPoll(id, options.correct);
  const option = summary.poll.options.find((o) => o.id === summary.poll.correct);
  ctx.stdout(`poll ${id} ${summary.poll.state}, correct answer revealed: ${option?.label ?? summary.poll.correct ?? '?'}\n`);
}

export async function pollList(options: Common & { json?: boolean }, ctx: CliContext): Promise<void> {
  const polls = await client(ctx, options).listPolls();
  if (options.json === true) {
    ctx.stdout(`${JSON.stringify(polls, null, 2)}\n`);
    return;
  }
  if (polls.length === 0) {
    ctx.stdout('no polls yet: mqtt-classroom poll create --question "..." --option A --option B\n');
    return;
  }
  ctx.stdout(table(polls));
}

export async function pollExport(
  id: string,
  options: Common & { format: string; round: string; output?: string },
  ctx: CliContext,
): Promise<void> {
  if (!(EXPORT_FORMATS as readonly string[]).includes(options.format)) throw new PollUsageError('--format must be csv or json.');
  if (!/^(current|all|[1-9]\d*)$/.test(options.round)) throw new PollUsageError('--round must be current, all or a round number.');
  const raw = await client(ctx, options).exportResults(id, options.format as ExportFormat, options.round);
  const text = options.format === 'json' ? `${JSON.stringify(JSON.parse(raw), null, 2)}\n` : raw;
  if (options.output === undefined) {
    ctx.stdout(text.endsWith('\n') ? text : `${text}\n`);
    return;
  }
  writeFileSync(options.output, text);
  ctx.stdout(`results of ${id} written to ${options.output}\n`);
}

function table(polls: readonly PollSummary[]): string {
  const rows = [
    ['ID', 'STATE', 'POLICY', 'ROUND', 'VOTES', 'REJECTED', 'QUESTION'],
    ...polls.map((p) => [p.poll.id, p.poll.state, p.poll.policy, String(p.round), String(p.tally.total), String(p.tally.rejected), p.poll.question]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')).join('\n') + '\n';
}
