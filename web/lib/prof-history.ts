/**
 * History and export on the teacher's page: every question of every lesson with
 * its results, and the polls outside lessons (with open/close), each exportable
 * as CSV or JSON — the same data as `mqtt-classroom poll export`. A hidden
 * question shows how many voted only: this page may be on the projector.
 */
import { el } from './dom.js';
import type { Translator } from './i18n.js';
import type { LessonView, PollSummary, ProfSnapshot } from './prof-data.js';
import { countsLine, downloadLink, renderKeyed } from './prof-dom.js';
import type { ProfText } from './prof-i18n.js';

export interface HistoryDeps {
  readonly tr: Translator;
  readonly t: ProfText;
  readonly act: (method: string, path: string) => Promise<void>;
  /** More per-poll controls (the correct-answer reveal), added to each poll outside a lesson. */
  readonly decorate?: (item: HTMLLIElement, summary: PollSummary) => void;
}

export interface HistoryPanel {
  readonly element: HTMLElement;
  render(snapshot: ProfSnapshot): void;
}

export function createHistory(deps: HistoryDeps): HistoryPanel {
  const { t, tr } = deps;
  const lessons = el('div', { class: 'history-lessons' });
  const none = el('p', { class: 'hint', text: t('history.none') });
  const others = el('ul', { class: 'polls', attrs: { 'aria-labelledby': 'prof-polls-title' } });
  const othersTitle = el('h3', { text: t('history.other'), attrs: { id: 'prof-polls-title' } });
  const element = el('section', { class: 'panel', attrs: { id: 'prof-history', 'aria-labelledby': 'prof-history-title' } }, [
    el('h2', { text: t('history.title'), attrs: { id: 'prof-history-title' } }),
    none,
    lessons,
    othersTitle,
    others,
  ]);

  const results = (summary: PollSummary | undefined): string => {
    if (summary === undefined) return '';
    const votes = tr.count('kiosk.votes', summary.tally.total);
    if (summary.poll.hidden === true) return t('run.hidden', { votes });
    return `${countsLine(summary.poll.options, summary.tally.counts, (n) => tr.number(n))} (${votes})`;
  };
  const stateOf = (summary: PollSummary | undefined): string =>
    summary === undefined ? '' : summary.poll.state === 'open' ? tr.t('poll.open') : summary.poll.openedAt === null ? t('history.never') : tr.t('poll.closed');
  const exports = (pollId: string, question: string) => {
    const base = `/api/polls/${encodeURIComponent(pollId)}/export?round=current&format=`;
    return el('span', { class: 'row' }, [
      downloadLink(t('history.csv'), `${base}csv`, `csv:${pollId}`, `${t('history.csv')} — ${question}`),
      downloadLink(t('history.json'), `${base}json`, `json:${pollId}`, `${t('history.json')} — ${question}`),
    ]);
  };

  function lessonBlock(lesson: LessonView, polls: ProfSnapshot['polls']): HTMLElement {
    const id = encodeURIComponent(lesson.id);
    const titleId = `prof-history-${lesson.id}`;
    const rows = lesson.questions.map((q) => {
      const summary = polls.get(q.pollId);
      return el('tr', { attrs: { 'data-poll': q.pollId } }, [
        el('td', { text: String(q.position + 1) }),
        el('td', { text: q.question }),
        el('td', { text: stateOf(summary) }),
        el('td', { class: 'history-results', text: results(summary) }),
        el('td', {}, [exports(q.pollId, q.question)]),
      ]);
    });
    const head = el('tr', {}, ['#', t('history.question'), t('history.state'), t('history.results'), t('history.export')].map((text) => el('th', { text, attrs: { scope: 'col' } })));
    return el('div', { class: 'history-lesson', attrs: { 'data-lesson': lesson.id } }, [
      el('h3', { text: lesson.title, attrs: { id: titleId } }),
      el('p', { class: 'row' }, [
        downloadLink(t('history.results-csv'), `/api/lessons/${id}/results?format=csv`, `results-csv:${lesson.id}`, `${t('history.results-csv')} — ${lesson.title}`),
        downloadLink(t('history.results-json'), `/api/lessons/${id}/results?format=json`, `results-json:${lesson.id}`, `${t('history.results-json')} — ${lesson.title}`),
      ]),
      el('div', { class: 'table-scroll' }, [el('table', { attrs: { 'aria-labelledby': titleId } }, [el('thead', {}, [head]), el('tbody', {}, rows)])]),
    ]);
  }

  function pollItem(summary: PollSummary): HTMLLIElement {
    const { poll } = summary;
    const open = poll.state === 'open';
    const action = el('button', {
      class: open ? 'button button--quiet' : 'button',
      text: t(open ? 'prof.poll.close' : 'prof.poll.open'),
      attrs: { type: 'button', 'aria-describedby': `poll-${poll.id}`, 'data-focus': `toggle:${poll.id}` },
    });
    action.addEventListener('click', () => void deps.act('POST', `/api/polls/${encodeURIComponent(poll.id)}/${open ? 'close' : 'open'}`));
    const item = el('li', { class: open ? 'poll poll--open' : 'poll' }, [
      el('span', { class: 'poll-question', text: poll.question, attrs: { id: `poll-${poll.id}` } }),
      el('span', { class: 'poll-state', text: `${tr.t(open ? 'poll.open' : 'poll.closed')} · ${results(summary)}` }),
      el('span', { class: 'poll-exports' }, [exports(poll.id, poll.question)]),
      action,
    ]);
    deps.decorate?.(item, summary);
    return item;
  }

  function render(snapshot: ProfSnapshot): void {
    const inLessons = new Set(snapshot.lessons.flatMap((l) => l.questions.map((q) => q.pollId)));
    const outside = [...snapshot.polls.values()].filter((s) => !inLessons.has(s.poll.id));
    none.hidden = snapshot.lessons.length > 0 || outside.length > 0;
    othersTitle.hidden = outside.length === 0;
    const pollKey = (s: PollSummary | undefined) => (s === undefined ? null : [s.poll, s.tally.counts, s.tally.total, s.answer ?? null]);
    renderKeyed(lessons, JSON.stringify(snapshot.lessons.map((l) => [l, l.questions.map((q) => pollKey(snapshot.polls.get(q.pollId)))])), () =>
      snapshot.lessons.map((l) => lessonBlock(l, snapshot.polls)),
    );
    renderKeyed(others, JSON.stringify(outside.map(pollKey)), () => outside.map(pollItem));
  }

  return { element, render };
}
