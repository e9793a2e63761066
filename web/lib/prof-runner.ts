/**
 * Running a lesson on the teacher's page: the current question with its live
 * tally (only how many voted while the results are hidden, as the kiosk shows
 * it), open/close, previous/next, hide/show and a countdown. The controls are
 * built once and only their text changes, so the focus stays where it is.
 */
import { formatSeconds } from '../../shared/countdown.js';
import type { PollOption } from '../../shared/poll.js';
import type { Scheduler } from '../../shared/scheduler.js';
import { tickCountdown } from './countdown-ticker.js';
import { el, setText } from './dom.js';
import type { Translator } from './i18n.js';
import type { LessonQuestionView, LessonView, ProfSnapshot } from './prof-data.js';
import type { ProfText } from './prof-i18n.js';

export interface RunnerDeps {
  readonly tr: Translator;
  readonly t: ProfText;
  /** An admin API call; the page refreshes and reports errors. */
  readonly act: (method: string, path: string) => Promise<void>;
  /** This device's clock and timers, and the hub's offset to it (ms): the countdown ticks by itself. */
  readonly scheduler: Scheduler;
  readonly offsetMs: () => number;
  /** A countdown on screen reached 0 (the hub closes the question; the page may want to look). */
  readonly onDeadline?: () => void;
  /** Says something where a screen reader hears it (the page's message line). */
  readonly notify: (text: string) => void;
}

/** What other parts of the page (the correct-answer reveal) need to know of the question on screen. */
export interface RunningQuestion {
  readonly lesson: LessonView;
  readonly question: LessonQuestionView;
}

export interface Runner {
  readonly element: HTMLElement;
  /** Where more per-question actions mount (e.g. reveal the correct answer). */
  readonly actions: HTMLElement;
  selected: string | null;
  render(snapshot: ProfSnapshot): void;
  /** Called after each render with the question on screen (null when none). */
  onQuestion(listener: (running: RunningQuestion | null) => void): void;
}

export function createRunner(deps: RunnerDeps): Runner {
  const { t, tr } = deps;
  const button = (text: string, id: string) => el('button', { class: 'button', text, attrs: { type: 'button', id } });
  const lessonTitle = el('p', { class: 'run-lesson' });
  const position = el('p', { class: 'run-position' });
  const question = el('h3', { class: 'run-question', attrs: { id: 'prof-run-question' } });
  const state = el('p', { class: 'run-state', attrs: { role: 'status' } });
  const countdown = el('p', { class: 'run-countdown', attrs: { 'aria-live': 'off' } });
  const bars = el('ol', { class: 'run-bars', attrs: { 'aria-labelledby': 'prof-run-question' } });
  const total = el('p', { class: 'run-total' });
  const previous = button(t('run.previous'), 'prof-run-previous');
  const toggle = button(t('run.open'), 'prof-run-toggle');
  const next = button(t('run.next'), 'prof-run-next');
  const hide = button(t('run.hide'), 'prof-run-hide');
  const seconds = el('input', { attrs: { id: 'prof-run-seconds', type: 'number', min: '1', max: '3600', step: '1', value: '30', inputmode: 'numeric' } });
  const countdownForm = el('form', { class: 'run-countdown-form row' }, [
    el('label', { text: t('run.seconds'), attrs: { for: 'prof-run-seconds' } }),
    seconds,
    el('button', { class: 'button', text: t('run.countdown'), attrs: { type: 'submit', id: 'prof-run-countdown' } }),
  ]);
  const actions = el('div', { class: 'run-actions row', attrs: { id: 'prof-question-actions' } }, [hide]);
  const none = el('p', { class: 'hint', text: t('run.none') });
  const body = el('div', { class: 'run-body' }, [
    lessonTitle,
    position,
    question,
    state,
    countdown,
    bars,
    total,
    el('div', { class: 'run-nav row' }, [previous, toggle, next]),
    actions,
    countdownForm,
  ]);
  const element = el('section', { class: 'panel run', attrs: { id: 'prof-run', 'aria-labelledby': 'prof-run-title' } }, [
    el('h2', { text: t('run.title'), attrs: { id: 'prof-run-title' } }),
    none,
    body,
  ]);
  const listeners: ((running: RunningQuestion | null) => void)[] = [];
  let current: { lesson: LessonView; question: LessonQuestionView | null; open: boolean; hidden: boolean } | null = null;
  let shownOptions = '';
  let ticking: { deadline: number; offsetMs: number; stop: () => void } | null = null;

  const pollPath = (action: string) => (current?.question ? `/api/polls/${encodeURIComponent(current.question.pollId)}/${action}` : null);
  const lessonPath = (action: string) => (current ? `/api/lessons/${encodeURIComponent(current.lesson.id)}/${action}` : null);
  const run = (path: string | null, method = 'POST') => {
    if (path !== null) void deps.act(method, path);
  };
  // Previous and next stay enabled at the ends (a disabled button would drop the keyboard focus): they say why instead.
  const atEnd = (by: 1 | -1) => {
    const q = current?.question;
    if (q === null || q === undefined || current === null) return by === -1;
    return by === 1 ? q.position >= current.lesson.questions.length - 1 : q.position === 0;
  };
  previous.addEventListener('click', () => (atEnd(-1) ? deps.notify(t('run.first')) : run(lessonPath('previous'))));
  next.addEventListener('click', () => (atEnd(1) ? deps.notify(t('run.done')) : run(lessonPath('next'))));
  toggle.addEventListener('click', () => run(pollPath(current?.open ? 'close' : 'open')));
  hide.addEventListener('click', () => run(pollPath(current?.hidden ? 'show' : 'hide')));
  countdownForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const n = Number(seconds.value);
    if (!Number.isInteger(n) || n < 1 || n > 3600) {
      seconds.reportValidity();
      return;
    }
    run(`${pollPath('open') ?? ''}?seconds=${n}`);
  });

  function render(snapshot: ProfSnapshot): void {
    const lesson = snapshot.lessons.find((l) => l.id === runner.selected) ?? null;
    none.hidden = lesson !== null;
    body.hidden = lesson === null;
    if (lesson === null) {
      current = null;
      showCountdown(undefined);
      for (const listener of listeners) listener(null);
      return;
    }
    const q = lesson.current === null ? null : (lesson.questions[lesson.current] ?? null);
    const summary = q === null ? undefined : snapshot.polls.get(q.pollId);
    const poll = summary?.poll;
    current = { lesson, question: q, open: poll?.state === 'open', hidden: poll?.hidden === true };
    setText(lessonTitle, lesson.title);
    setText(position, q === null ? t('run.not-started') : t('run.position', { n: q.position + 1, of: lesson.questions.length }));
    setText(question, q?.question ?? '');
    setText(state, poll === undefined ? '' : tr.t(poll.state === 'open' ? 'poll.open' : 'poll.closed'));
    const deadline = poll?.state === 'open' ? poll.deadline : undefined;
    showCountdown(deadline);
    const hidden = poll?.hidden === true;
    bars.hidden = hidden || poll === undefined;
    const votes = tr.count('kiosk.votes', summary?.tally.total ?? 0);
    setText(total, poll === undefined ? '' : hidden ? t('run.hidden', { votes }) : `${tr.t('kiosk.total')} ${votes}`);
    if (poll !== undefined && !hidden) drawBars(poll.options, summary?.tally.counts ?? {});
    setText(toggle, t(current.open ? 'run.close' : 'run.open'));
    setText(hide, t(hidden ? 'run.show' : 'run.hide'));
    hide.setAttribute('aria-pressed', String(hidden));
    toggle.disabled = q === null;
    hide.disabled = q === null;
    for (const button of [...countdownForm.elements]) (button as HTMLInputElement).disabled = q === null;
    for (const listener of listeners) listener(q === null ? null : { lesson, question: q });
  }

  /** Starts, keeps or stops the ticking countdown: a render for a new tally leaves it running. */
  function showCountdown(deadline: number | undefined): void {
    countdown.hidden = deadline === undefined;
    const offsetMs = deps.offsetMs();
    if (ticking !== null && ticking.deadline === deadline && ticking.offsetMs === offsetMs) return;
    ticking?.stop();
    ticking = null;
    if (deadline === undefined) {
      setText(countdown, '');
      return;
    }
    const stop = tickCountdown({
      scheduler: deps.scheduler,
      deadline,
      offsetMs,
      show: (left) => setText(countdown, t('run.left', { time: formatSeconds(left) })),
      onEnd: () => deps.onDeadline?.(),
    });
    ticking = { deadline, offsetMs, stop };
  }

  function drawBars(options: readonly PollOption[], counts: Readonly<Record<string, number>>): void {
    const key = JSON.stringify(options);
    if (key !== shownOptions) {
      shownOptions = key;
      bars.replaceChildren(
        ...options.map((option, index) => {
          const row = el('li', { class: `run-bar color-${index % 8}` }, [
            el('span', { class: 'run-bar-label', text: option.label }),
            el('span', { class: 'run-bar-count' }),
            el('span', { class: 'run-bar-track' }, [el('span', { class: 'run-bar-fill' })]),
          ]);
          row.dataset['option'] = option.id;
          return row;
        }),
      );
    }
    const values = options.map((o) => counts[o.id] ?? 0);
    const max = Math.max(1, ...values);
    bars.querySelectorAll<HTMLElement>('.run-bar').forEach((row, index) => {
      const count = values[index] ?? 0;
      setText(row.querySelector('.run-bar-count')!, tr.number(count));
      const width = `${((count / max) * 100).toFixed(1)}%`;
      const fill = row.querySelector<HTMLElement>('.run-bar-fill')!;
      if (fill.style.width !== width) fill.style.width = width;
    });
  }

  const runner: Runner = { element, actions, selected: null, render, onQuestion: (listener) => listeners.push(listener) };
  return runner;
}
