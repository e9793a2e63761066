/**
 * "Révéler la réponse" on the teacher's page: one small button per poll that has a
 * correct answer (`answer`, which only the admin API gives). It calls
 * `POST /api/polls/<id>/reveal` with the session cookie; the hub closes the poll
 * and publishes its `correct`. Once revealed, the button gives way to the answer.
 * Mounted with one call, `mountReveal`, so the page around it can change freely.
 */
import type { Poll } from '../../shared/poll.js';
import { el } from './dom.js';
import { api } from './prof-api.js';
import type { ProfText } from './prof-i18n.js';

interface Revealable {
  readonly poll: Poll;
  /** The correct option's id, null for an opinion poll. */
  readonly answer?: string | null;
}

export interface RevealMount {
  readonly t: ProfText;
  /** After a reveal: the page reloads its list. */
  readonly done: () => unknown;
  /** The reveal failed (network, session expired): the page says so. */
  readonly failed: (error: unknown) => void;
}

/** Appends the reveal control for `summary` to `into` (nothing for a poll without an answer). */
export function mountReveal(into: HTMLElement, summary: Revealable, mount: RevealMount): void {
  const { poll } = summary;
  const answer = summary.answer ?? null;
  if (answer === null) return;
  const label = poll.options.find((o) => o.id === answer)?.label ?? answer;
  if (poll.correct === answer) {
    into.append(el('span', { class: 'poll-revealed', text: mount.t('prof.revealed', { option: label }) }));
    return;
  }
  const button = el('button', {
    class: 'button button--quiet button--reveal',
    text: mount.t('prof.reveal'),
    attrs: { type: 'button', 'aria-describedby': `poll-${poll.id}`, 'data-reveal': poll.id },
  });
  button.addEventListener('click', () => {
    button.disabled = true;
    void api('POST', `/api/polls/${encodeURIComponent(poll.id)}/reveal`)
      .then(mount.done)
      .catch((error: unknown) => {
        button.disabled = false;
        mount.failed(error);
      });
  });
  into.append(button);
}
