/**
 * The vote page's quiz corner: this phone's nickname (chosen, changed) and its own
 * score and rank, nothing of anyone else's answers. It asks the hub over HTTP with
 * the voter secret in the POST body (docs/protocol.md, "Quiz identity"), so the
 * nickname follows the secret in localStorage across a reload, a dropped
 * connection or a phone that slept. Hidden when the poll is not part of a quiz.
 */
import '../styles/quiz.css';
import { el, setText } from './dom.js';
import type { PlayerView } from '../../shared/quiz/player-view.js';
import type { Lang } from './i18n.js';
import { quizWords } from './quiz-words.js';

export interface QuizPlayerOptions {
  /** The voter secret the page's votes carry. */
  readonly voter: string;
  readonly lang: Lang;
  /** The poll the page shows: its id and state, or null. */
  readonly poll: () => { readonly id: string; readonly state: string } | null;
}

/** Mounts the quiz corner in `parent`; `update()` (from the page's render) asks again when the poll changed. */
export function mountQuizPlayer(parent: HTMLElement, options: QuizPlayerOptions): { update(): void } {
  const w = quizWords(options.lang);
  const as = el('p', { class: 'quiz-as' });
  const score = el('p', { class: 'quiz-score', attrs: { role: 'status' } });
  const input = el('input', { attrs: { id: 'quiz-nickname', name: 'nickname', autocomplete: 'nickname', maxlength: '20', minlength: '2', required: '', spellcheck: 'false' } });
  const submit = el('button', { class: 'quiz-submit', text: w('quiz.choose'), attrs: { type: 'submit' } });
  const error = el('p', { class: 'quiz-error', attrs: { role: 'alert' } });
  const form = el('form', { class: 'quiz-form' }, [el('label', { text: w('quiz.nickname'), attrs: { for: 'quiz-nickname' } }), el('div', { class: 'quiz-row' }, [input, submit])]);
  const box = el('section', { class: 'quiz', attrs: { 'aria-label': w('quiz.title') } }, [as, score, form, error]);
  box.hidden = true;
  parent.append(box);

  let asked = '';
  let pollId: string | null = null;
  let view: PlayerView | null = null;

  const show = (next: PlayerView | null): void => {
    view = next;
    box.hidden = next === null;
    document.body.dataset['quiz'] = next === null ? 'none' : next.nickname ?? '';
    if (next === null) return;
    setText(as, next.nickname === null ? w('quiz.hint') : w('quiz.as', { name: next.nickname }));
    const rank = next.rank === null ? w('quiz.unranked') : w(next.rank === 1 ? 'quiz.rank1' : 'quiz.rank', { rank: next.rank, of: next.players });
    setText(score, w('quiz.score', { score: next.score, rank }));
    score.dataset['score'] = String(next.score);
    score.dataset['rank'] = next.rank === null ? '' : String(next.rank);
    setText(submit, w(next.nickname === null ? 'quiz.choose' : 'quiz.change'));
  };

  const call = async (path: string, body: Record<string, string>): Promise<Response | null> => {
    try {
      return await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ secret: options.voter, ...body }) });
    } catch {
      return null;
    }
  };

  const refresh = async (): Promise<void> => {
    const id = pollId;
    if (id === null) return show(null);
    const response = await call('/api/player/me', { poll: id });
    if (id !== pollId || response === null) return;
    if (!response.ok) return;
    const body = (await response.json()) as PlayerView & { quiz: boolean };
    show(body.quiz ? body : null);
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (pollId === null) return;
    void call('/api/player/nickname', { poll: pollId, nickname: input.value }).then(async (response) => {
      if (response === null) return setText(error, w('quiz.network'));
      if (response.ok) {
        setText(error, '');
        input.value = '';
        return show((await response.json()) as PlayerView);
      }
      setText(error, w(response.status === 409 ? 'quiz.taken' : response.status === 400 ? 'quiz.invalid' : 'quiz.network'));
    });
  });
  // A phone that slept or lost its network asks again when it comes back.
  const again = () => {
    if (document.visibilityState !== 'hidden') void refresh();
  };
  window.addEventListener('online', again);
  document.addEventListener('visibilitychange', again);

  return {
    update(): void {
      const poll = options.poll();
      const key = poll === null ? '' : `${poll.id}|${poll.state}`;
      if (key === asked) return;
      asked = key;
      pollId = poll?.id ?? null;
      if (view === null && poll === null) return;
      void refresh();
    },
  };
}
