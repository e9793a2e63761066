/**
 * A lesson: an ordered list of questions prepared ahead (SPEC §5). Each question
 * becomes a poll when the lesson is stored. The JSON and CSV forms are read and
 * written here, once, for the hub, the CLI and the teacher's page.
 */
import { csvRow, parseCsv } from './csv.js';
import { idProblem, isValidId } from './ids.js';
import { MAX_TIME_BONUS } from './quiz/score.js';
import { MAX_LABEL_LENGTH, MAX_OPTIONS, MAX_QUESTION_LENGTH, POLICIES, type Policy, type PollOption, isPolicy } from './poll.js';

export interface LessonQuestion {
  readonly question: string;
  readonly options: readonly PollOption[];
  /** The id of the correct option, or null when the question has none (an opinion poll). */
  readonly correct: string | null;
  readonly policy: Policy;
  /** A countdown in seconds, or null for none. */
  readonly seconds: number | null;
}

export interface LessonDraft {
  readonly id?: string;
  readonly title: string;
  readonly questions: readonly LessonQuestion[];
  /** A quiz scores correct answers per voter (shared/quiz/score.ts); absent: false. */
  readonly quiz?: boolean;
  /** A quiz's optional time bonus: the most extra points a fast correct answer earns; absent: 0 (none). */
  readonly timeBonus?: number;
}

export const MAX_QUESTIONS = 200;
export const MAX_SECONDS = 3600;
export const MAX_TITLE_LENGTH = 120;
/** The CSV header, in this order. */
export const LESSON_CSV_COLUMNS = ['question', 'options', 'correct', 'policy', 'seconds'] as const;
/** An optional CSV column: `yes` (or oui, true, 1) on any row makes the lesson a quiz. */
export const QUIZ_CSV_COLUMN = 'quiz';
/** Options in one CSV cell: `A=Paris | B=Lyon`, or just `Paris | Lyon`. */
const OPTION_SEPARATOR = '|';

export type LessonResult = { ok: true; value: LessonDraft } | { ok: false; detail: string };

/** Checks a lesson as JSON gives it: `{ id?, title, questions: [{ question, options, correct?, policy?, seconds? }] }`. */
export function validateLesson(raw: unknown): LessonResult {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return fail('a lesson is a JSON object { title, questions }');
  const { id, title, questions, quiz, timeBonus } = raw as Record<string, unknown>;
  if (quiz !== undefined && typeof quiz !== 'boolean') return fail('quiz: true or false');
  if (timeBonus !== undefined && (typeof timeBonus !== 'number' || !Number.isInteger(timeBonus) || timeBonus < 0 || timeBonus > MAX_TIME_BONUS)) {
    return fail(`timeBonus: a whole number of points from 0 (no time bonus) to ${MAX_TIME_BONUS}`);
  }
  if (id !== undefined && idProblem(id) !== null) return fail(`id: ${idProblem(id)}`);
  if (typeof title !== 'string' || title.trim() === '' || title.length > MAX_TITLE_LENGTH) {
    return fail(`title: give the lesson a title of 1 to ${MAX_TITLE_LENGTH} characters`);
  }
  if (!Array.isArray(questions) || questions.length === 0 || questions.length > MAX_QUESTIONS) {
    return fail(`questions: give 1 to ${MAX_QUESTIONS} questions`);
  }
  const checked: LessonQuestion[] = [];
  for (const [index, item] of questions.entries()) {
    const question = validateQuestion(item);
    if (!question.ok) return fail(`question ${index + 1}: ${question.detail}`);
    checked.push(question.value);
  }
  const extra = { ...(quiz === true ? { quiz: true } : {}), ...(typeof timeBonus === 'number' && timeBonus > 0 ? { timeBonus } : {}) };
  return { ok: true, value: { ...(id === undefined ? {} : { id: id as string }), title: title.trim(), questions: checked, ...extra } };
}

function validateQuestion(raw: unknown): { ok: true; value: LessonQuestion } | { ok: false; detail: string } {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, detail: 'is not an object' };
  const { question, options, correct, policy, seconds } = raw as Record<string, unknown>;
  if (typeof question !== 'string' || question.trim() === '' || question.length > MAX_QUESTION_LENGTH) {
    return { ok: false, detail: `the question text must be 1 to ${MAX_QUESTION_LENGTH} characters` };
  }
  if (!Array.isArray(options) || options.length < 2 || options.length > MAX_OPTIONS) {
    return { ok: false, detail: `give 2 to ${MAX_OPTIONS} options` };
  }
  const parsed: PollOption[] = [];
  for (const [index, option] of options.entries()) {
    const one = typeof option === 'string' ? optionFromText(option, index) : optionFromObject(option);
    if (typeof one === 'string') return { ok: false, detail: `option ${index + 1}: ${one}` };
    parsed.push(one);
  }
  if (new Set(parsed.map((o) => o.id)).size !== parsed.length) return { ok: false, detail: 'two options have the same id' };
  let correctId: string | null = null;
  if (correct !== undefined && correct !== null && correct !== '') {
    const match = typeof correct === 'string' ? parsed.find((o) => o.id === correct.trim() || o.label === correct.trim()) : undefined;
    if (match === undefined) return { ok: false, detail: `the correct answer ${JSON.stringify(correct)} is none of the options` };
    correctId = match.id;
  }
  if (policy !== undefined && policy !== '' && !isPolicy(policy)) return { ok: false, detail: `policy must be ${POLICIES.join(', ')}` };
  let secondsValue: number | null = null;
  if (seconds !== undefined && seconds !== null && seconds !== '' && seconds !== 0) {
    const n = typeof seconds === 'string' ? Number(seconds) : seconds;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_SECONDS) {
      return { ok: false, detail: `seconds must be a whole number from 1 to ${MAX_SECONDS}, or empty for no countdown` };
    }
    secondsValue = n;
  }
  return {
    ok: true,
    value: {
      question: question.trim(),
      options: parsed,
      correct: correctId,
      policy: policy === undefined || policy === '' ? 'one-per-voter' : (policy as Policy),
      seconds: secondsValue,
    },
  };
}

/** `id=label`, or a label: its own id when it is a valid one (IFT1215), else A, B, C… by position. */
function optionFromText(text: string, index: number): PollOption | string {
  const trimmed = text.trim();
  const at = trimmed.indexOf('=');
  if (at > 0) {
    const id = trimmed.slice(0, at).trim();
    const label = trimmed.slice(at + 1).trim();
    if (!isValidId(id)) return `the id ${JSON.stringify(id)} is not valid: ${idProblem(id)}`;
    return label === '' || label.length > MAX_LABEL_LENGTH ? `the label must be 1 to ${MAX_LABEL_LENGTH} characters` : { id, label };
  }
  if (trimmed === '' || trimmed.length > MAX_LABEL_LENGTH) return `the label must be 1 to ${MAX_LABEL_LENGTH} characters`;
  return { id: isValidId(trimmed) ? trimmed : String.fromCharCode(65 + index), label: trimmed };
}

function optionFromObject(option: unknown): PollOption | string {
  if (option === null || typeof option !== 'object') return 'an option is text or { id, label }';
  const { id, label } = option as Record<string, unknown>;
  if (!isValidId(id)) return `the id ${JSON.stringify(id)} is not valid: ${idProblem(id)}`;
  if (typeof label !== 'string' || label.trim() === '' || label.length > MAX_LABEL_LENGTH) return `the label must be 1 to ${MAX_LABEL_LENGTH} characters`;
  return { id, label: label.trim() };
}

/** A lesson from a spreadsheet's CSV: a header row with the columns of LESSON_CSV_COLUMNS, one question per row. */
export function lessonFromCsv(text: string, title: string, id?: string): LessonResult {
  const parsed = parseCsv(text);
  if (!parsed.ok) return fail(`CSV ${parsed.detail}`);
  const [header, ...rows] = parsed.rows;
  if (header === undefined) return fail('the CSV file is empty');
  const columns = header.map((h) => h.trim().toLowerCase());
  const missing = ['question', 'options'].filter((c) => !columns.includes(c));
  if (missing.length > 0) return fail(`the CSV header must name the columns ${LESSON_CSV_COLUMNS.join(', ')} (missing: ${missing.join(', ')})`);
  const cell = (row: string[], name: string) => {
    const at = columns.indexOf(name);
    return at < 0 ? '' : (row[at] ?? '').trim();
  };
  const questions = rows.map((row) => ({
    question: cell(row, 'question'),
    options: cell(row, 'options').split(OPTION_SEPARATOR).map((o) => o.trim()).filter((o) => o !== ''),
    correct: cell(row, 'correct'),
    policy: cell(row, 'policy'),
    seconds: cell(row, 'seconds'),
  }));
  const quiz = rows.some((row) => /^(yes|oui|true|1|x)$/i.test(cell(row, QUIZ_CSV_COLUMN)));
  const result = validateLesson({ ...(id === undefined ? {} : { id }), title, questions, ...(quiz ? { quiz } : {}) });
  // Name rows as a spreadsheet shows them: the header is row 1.
  return result.ok ? result : fail(result.detail.replace(/^question (\d+)/, (_, n: string) => `row ${Number(n) + 1}`));
}

/** A quiz gets the `quiz` column (yes on every row), so a spreadsheet round trip keeps it. */
export function lessonToCsv(questions: readonly LessonQuestion[], options: { quiz?: boolean } = {}): string {
  const quiz = options.quiz === true;
  const lines = [csvRow([...LESSON_CSV_COLUMNS, ...(quiz ? [QUIZ_CSV_COLUMN] : [])])];
  for (const q of questions) {
    const cells = q.options.map((o) => (o.id === o.label ? o.id : `${o.id}=${o.label}`)).join(` ${OPTION_SEPARATOR} `);
    lines.push(csvRow([q.question, cells, q.correct ?? '', q.policy, q.seconds === null ? '' : String(q.seconds), ...(quiz ? ['yes'] : [])]));
  }
  return `${lines.join('\r\n')}\r\n`;
}

function fail(detail: string): { ok: false; detail: string } {
  return { ok: false, detail };
}
