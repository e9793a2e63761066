/**
 * The teacher's page (`/prof`): sign in once per browser (a printed one-time link,
 * or the admin secret typed in), then run the polls. The session is an HttpOnly
 * cookie the server checks; this page never stores the secret anywhere.
 */
import '../styles/prof.css';
import type { Poll } from '../../shared/poll.js';
import { appRoot, el, setText } from '../lib/dom.js';
import { pageTranslator } from '../lib/i18n.js';
import { ApiError, api, takeSignInToken } from '../lib/prof-api.js';
import { mountRoomPanel } from '../lib/prof-room.js';

interface PollSummary {
  readonly poll: Poll;
  readonly tally: { readonly total: number };
}

const tr = pageTranslator();
document.title = tr.t('title.prof');

const secretInput = el('input', {
  attrs: { id: 'prof-secret', name: 'secret', type: 'password', autocomplete: 'current-password', required: '', spellcheck: 'false' },
});
const signInError = el('p', { class: 'error', attrs: { role: 'alert', id: 'prof-signin-error' } });
const signInForm = el('form', { class: 'signin', attrs: { 'aria-labelledby': 'prof-signin-title' } }, [
  el('h2', { text: tr.t('prof.signin.title'), attrs: { id: 'prof-signin-title' } }),
  el('p', { class: 'hint', text: tr.t('prof.signin.hint') }),
  el('label', { text: tr.t('prof.signin.secret'), attrs: { for: 'prof-secret' } }),
  el('div', { class: 'row' }, [secretInput, el('button', { class: 'button', text: tr.t('prof.signin.submit'), attrs: { type: 'submit' } })]),
  signInError,
]);
const signOutButton = el('button', { class: 'link-button', text: tr.t('prof.signout'), attrs: { type: 'button' } });
const status = el('p', { class: 'status', attrs: { role: 'status' } });
const pollList = el('ul', { class: 'polls', attrs: { 'aria-labelledby': 'prof-polls-title' } });
const noPolls = el('p', { class: 'hint', text: tr.t('prof.polls.none') });
const work = el('section', { class: 'work' }, [
  el('h2', { text: tr.t('prof.polls.title'), attrs: { id: 'prof-polls-title' } }),
  noPolls,
  pollList,
]);
const session = el('p', { class: 'session' }, [signOutButton]);
appRoot().append(
  el('header', { class: 'top' }, [el('h1', { class: 'title', text: tr.t('title.prof') }), session]),
  status,
  signInForm,
  work,
);

mountRoomPanel(work, tr);

signInForm.addEventListener('submit', (event) => {
  event.preventDefault();
  void signIn({ secret: secretInput.value });
});
signOutButton.addEventListener('click', () => {
  void api('DELETE', '/api/session').finally(() => showSignedOut());
});

void begin();

async function begin(): Promise<void> {
  const token = takeSignInToken();
  if (token !== null) {
    await signIn({ link: token });
    return;
  }
  const state = await api<{ signedIn: boolean }>('GET', '/api/session').catch(() => ({ signedIn: false }));
  if (state.signedIn) await showSignedIn();
  else showSignedOut();
}

async function signIn(body: { secret: string } | { link: string }): Promise<void> {
  try {
    await api('POST', '/api/session', body);
    secretInput.value = '';
    setText(signInError, '');
    await showSignedIn();
  } catch (error) {
    showSignedOut();
    const linkRefused = 'link' in body;
    setText(signInError, error instanceof ApiError && error.status === 401 ? tr.t(linkRefused ? 'prof.signin.link-refused' : 'prof.signin.wrong') : tr.t('prof.error.network'));
    // Typing again replaces the wrong secret.
    secretInput.select();
  }
}

function showSignedOut(): void {
  signInForm.hidden = false;
  work.hidden = true;
  session.hidden = true;
  setText(status, tr.t('prof.signed-out'));
  document.body.dataset['signedIn'] = 'false';
  secretInput.focus();
}

async function showSignedIn(): Promise<void> {
  signInForm.hidden = true;
  work.hidden = false;
  session.hidden = false;
  setText(status, tr.t('prof.signed-in'));
  document.body.dataset['signedIn'] = 'true';
  await refreshPolls();
}

async function refreshPolls(): Promise<void> {
  let polls: PollSummary[];
  try {
    polls = (await api<{ polls: PollSummary[] }>('GET', '/api/polls')).polls;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return showSignedOut();
    setText(status, tr.t('prof.error.network'));
    return;
  }
  noPolls.hidden = polls.length > 0;
  pollList.replaceChildren(...polls.map(pollItem));
}

function pollItem(summary: PollSummary): HTMLLIElement {
  const { poll } = summary;
  const open = poll.state === 'open';
  const action = el('button', {
    class: open ? 'button button--quiet' : 'button',
    text: tr.t(open ? 'prof.poll.close' : 'prof.poll.open'),
    attrs: { type: 'button', 'aria-describedby': `poll-${poll.id}` },
  });
  action.addEventListener('click', () => {
    void api('POST', `/api/polls/${encodeURIComponent(poll.id)}/${open ? 'close' : 'open'}`)
      .then(refreshPolls)
      .catch(() => setText(status, tr.t('prof.error.network')));
  });
  return el('li', { class: open ? 'poll poll--open' : 'poll' }, [
    el('span', { class: 'poll-question', text: poll.question, attrs: { id: `poll-${poll.id}` } }),
    el('span', { class: 'poll-state', text: `${tr.t(open ? 'poll.open' : 'poll.closed')} · ${tr.count('kiosk.votes', summary.tally.total)}` }),
    action,
  ]);
}
