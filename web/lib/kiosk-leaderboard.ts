/**
 * The kiosk's quiz leaderboard: the top 10 names and scores from the retained
 * `<prefix>/leaderboard` topic, over the results while the teacher shows it (and
 * by itself at the end of a quiz). Names come from the network: textContent only.
 */
import '../styles/quiz.css';
import { type Leaderboard, decodeLeaderboard } from '../../shared/codecs/leaderboard.js';
import { el } from './dom.js';
import type { Lang } from './i18n.js';
import { quizWords } from './quiz-words.js';

export function mountLeaderboard(parent: HTMLElement, lang: Lang): { take(payload: Uint8Array): void } {
  const w = quizWords(lang);
  const title = el('h2', { attrs: { id: 'leaderboard-title' } });
  const sub = el('p', { class: 'leaderboard-sub' });
  const list = el('ol', { attrs: { 'aria-labelledby': 'leaderboard-title' } });
  const box = el('section', { class: 'leaderboard', attrs: { 'aria-live': 'polite' } }, [title, sub, list]);
  box.hidden = true;
  parent.append(box);

  const draw = (board: Leaderboard): void => {
    box.hidden = !board.shown;
    // What it covers is hidden too: no one reads (nor tabs to) the bars behind it.
    parent.classList.toggle('showing-leaderboard', board.shown);
    if (!board.shown) return;
    title.textContent = `${w(board.final ? 'quiz.board.final' : 'quiz.board')} — ${board.title}`;
    sub.textContent = board.entries.length === 0 ? w('quiz.empty') : w('quiz.scored', { scored: board.scored, questions: board.questions });
    list.replaceChildren(
      ...board.entries.map((entry) =>
        el('li', entry.rank === 1 ? { class: 'lb-first' } : {}, [
          el('span', { class: 'lb-rank', text: `${entry.rank}.` }),
          el('span', { class: 'lb-name' }, [document.createTextNode(entry.name), ...(entry.kind === 'team' ? [el('span', { class: 'lb-team', text: w('quiz.team') })] : [])]),
          el('span', { class: 'lb-score', text: w('quiz.points', { score: entry.score }) }),
        ]),
      ),
    );
  };

  return {
    take(payload: Uint8Array): void {
      const board = decodeLeaderboard(payload);
      if (board !== null) draw(board);
    },
  };
}
