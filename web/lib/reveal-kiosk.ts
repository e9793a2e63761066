/**
 * The kiosk's side of a revealed answer (SPEC §5): a line naming it, and the
 * correct option's bar marked with a ✓ and the words "Bonne réponse" (never by
 * colour alone), which a screen reader reads with the option's row.
 */
import type { Poll } from '../../shared/poll.js';
import { el, setText } from './dom.js';
import type { Translator } from './i18n.js';

export function revealNote(): HTMLElement {
  return el('p', { class: 'reveal-note', attrs: { role: 'status' } });
}

/** Shows `poll`'s revealed answer in `note` and on its row of `bars` (rows carry `data-option`); clears both otherwise. */
export function showReveal(note: HTMLElement, bars: HTMLElement, poll: Poll | null, tr: Translator): void {
  const correct = poll?.correct ?? null;
  const option = correct === null ? undefined : poll?.options.find((o) => o.id === correct);
  setText(note, option === undefined ? '' : tr.t('kiosk.correct', { option: option.label }));
  note.hidden = option === undefined;
  for (const row of bars.querySelectorAll<HTMLElement>('.bar-row')) {
    const isCorrect = option !== undefined && row.dataset.option === option.id;
    row.classList.toggle('bar-row--correct', isCorrect);
    const mark = row.querySelector('.bar-correct');
    if (isCorrect && mark === null) {
      row.querySelector('.bar-label')?.after(
        el('span', { class: 'bar-correct' }, [el('span', { text: '✓ ', attrs: { 'aria-hidden': 'true' } }), document.createTextNode(tr.t('reveal.correct'))]),
      );
    } else if (!isCorrect && mark !== null) {
      mark.remove();
    }
  }
}
