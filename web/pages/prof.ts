/**
 * The teacher's page (`/prof`): sign in once per browser (a printed one-time link,
 * or the admin secret typed in), then prepare and run lessons, and find every
 * result again (docs/web.md). The session is an HttpOnly cookie the server
 * checks; this page never stores the secret anywhere.
 */
import '../styles/prof.css';
import type { MqttLink } from '../lib/connection.js';
import { appRoot, el, setText } from '../lib/dom.js';
import { pageTranslator } from '../lib/i18n.js';
import { ApiError, api, takeSignInToken } from '../lib/prof-api.js';
import { mountProfQuiz } from '../lib/prof-quiz.js';
import { mountReveal } from '../lib/prof-reveal.js';
import { ProfData } from '../lib/prof-data.js';
import { createEditor } from '../lib/prof-editor.js';
import { createHistory } from '../lib/prof-history.js';
import { profText } from '../lib/prof-i18n.js';
import { createLessonsPanel } from '../lib/prof-lessons.js';
import { followLive } from '../lib/prof-live.js';
import { createRunner } from '../lib/prof-runner.js';
import { startPage } from '../lib/page.js';
import { browserScheduler } from '../lib/scheduler.js';
import { statusBadge } from '../lib/status.js';
import { mountRoomPanel } from '../lib/prof-room.js';

/** How long after a countdown's end the page reads the lists when the broker is out of reach. */
const DEADLINE_GRACE_MS = 1000;
const tr = pageTranslator();
const t = profText(tr.lang);
document.title = tr.t('title.prof');
const secretInput = el('input', {
  attrs: { id: 'prof-secret', name: 'secret', type: 'password', autocomplete: 'current-password', required: '', spellcheck: 'false' },
});
const signInError = el('p', { class: 'error', attrs: { role: 'alert', id: 'prof-signin-error' } });
const signInForm = el('form', { class: 'signin', attrs: { 'aria-labelledby': 'prof-signin-title' } }, [
  el('h2', { text: t('prof.signin.title'), attrs: { id: 'prof-signin-title' } }),
  el('p', { class: 'hint', text: t('prof.signin.hint') }),
  el('label', { text: t('prof.signin.secret'), attrs: { for: 'prof-secret' } }),
  el('div', { class: 'row' }, [secretInput, el('button', { class: 'button', text: t('prof.signin.submit'), attrs: { type: 'submit' } })]),
  signInError,
]);
const signOutButton = el('button', { class: 'link-button', text: t('prof.signout'), attrs: { type: 'button' } });
const status = el('p', { class: 'status', attrs: { role: 'status' } });
const message = el('p', { class: 'message', attrs: { 'aria-live': 'polite', id: 'prof-message' } });
// The broker's state, as on the kiosk: without it the page still works, by its own actions.
const badge = statusBadge(tr);
const data = new ProfData();
let offsetMs = 0;
let signedIn = false;
let link: MqttLink | null = null;
let liveStarted = false;

/** An admin API call from a control: then the page shows the new state, or says what went wrong. */
async function act(method: string, path: string): Promise<void> {
  try {
    await api(method, path);
    say('', false);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return showSignedOut();
    say(error instanceof ApiError ? error.message : t('prof.error.network'), true);
  }
  await refresh();
}

function say(text: string, failed: boolean): void {
  setText(message, text);
  message.classList.toggle('error', failed);
}

const runner = createRunner({
  tr,
  t,
  act,
  scheduler: browserScheduler,
  offsetMs: () => offsetMs,
  notify: (text) => say(text, false),
  // Connected, the hub's close arrives as a poll message. Without the broker, look
  // once, a moment after: the hub's timer and this clock's estimate of it differ a little.
  onDeadline: () => {
    if (signedIn && link?.state !== 'connected') browserScheduler.setTimer(() => void refresh(), DEADLINE_GRACE_MS);
  },
});
const editor = createEditor({
  t,
  onSaved: (lesson) => {
    say(t('editor.saved', { title: lesson.title }), false);
    void refresh().then(() => lessonsPanel.element.querySelector<HTMLElement>(`[data-focus="edit:${CSS.escape(lesson.id)}"]`)?.focus());
  },
  onClosed: () => document.getElementById('prof-lesson-new')?.focus(),
});
const lessonsPanel = createLessonsPanel({
  tr,
  t,
  onRun: (lessonId) => {
    runner.selected = lessonId;
    render();
    document.getElementById('prof-run-next')?.focus();
  },
  onEdit: (lesson) => editor.open(lesson),
  report: say,
  refresh,
  selected: () => runner.selected,
});
const revealMount = { t, done: () => refresh(), failed: () => say(t('prof.error.network'), true) };
const history = createHistory({ tr, t, act, decorate: (item, summary) => mountReveal(item, summary, revealMount) });

// The room at a glance and the new-bake button (web/lib/prof-room.ts) mount here, between the lessons and the history.
const roomSlot = el('div', { class: 'room-slot' });
// Per-question actions (the correct-answer reveal) mount into `runner.actions`
// (#prof-question-actions, next to "hide the results"); `runner.onQuestion(fn)`
// tells them which question is on screen after each refresh.
const revealSlot = el('span', { class: 'reveal-slot' });
runner.actions.append(revealSlot);
let revealKey = '';
runner.onQuestion((running) => {
  const summary = running === null ? undefined : data.snapshot.polls.get(running.question.pollId);
  // Re-made only when what it shows changes, so a focused button keeps its focus across tallies.
  const key = summary === undefined ? '' : JSON.stringify([summary.poll.id, summary.poll.state, summary.poll.correct ?? null, summary.answer ?? null]);
  if (key === revealKey) return;
  revealKey = key;
  revealSlot.replaceChildren();
  if (summary !== undefined) mountReveal(revealSlot, summary, revealMount);
});

const work = el('div', { class: 'work' }, [runner.element, lessonsPanel.element, editor.element, roomSlot, history.element]);
const session = el('div', { class: 'session' }, [badge.element, signOutButton]);
appRoot().append(
  el('header', { class: 'top' }, [el('h1', { class: 'title', text: tr.t('title.prof') }), session]),
  status,
  message,
  signInForm,
  work,
);

mountProfQuiz(work, tr.lang);
mountRoomPanel(roomSlot, tr);

signInForm.addEventListener('submit', (event) => {
  event.preventDefault();
  void signIn({ secret: secretInput.value });
});
signOutButton.addEventListener('click', () => {
  void api('DELETE', '/api/session').finally(() => showSignedOut());
});
data.onChange(() => render());

/** Counts sign-ins and sign-outs, so an answer to a question asked before one is not taken for the session now. */
let sessionTurn = 0;
void begin();

async function begin(): Promise<void> {
  const token = takeSignInToken();
  if (token !== null) {
    await signIn({ link: token });
    return;
  }
  const asked = sessionTurn;
  const state = await api<{ signedIn: boolean }>('GET', '/api/session').catch(() => ({ signedIn: false }));
  // Signed in or out meanwhile (a slow hub or Wi-Fi): this answer, asked before, is stale.
  if (asked !== sessionTurn) return;
  if (state.signedIn) await showSignedIn();
  else showSignedOut();
}

async function signIn(body: { secret: string } | { link: string }): Promise<void> {
  sessionTurn += 1;
  try {
    await api('POST', '/api/session', body);
    secretInput.value = '';
    setText(signInError, '');
    await showSignedIn();
  } catch (error) {
    showSignedOut();
    const linkRefused = 'link' in body;
    setText(signInError, error instanceof ApiError && error.status === 401 ? t(linkRefused ? 'prof.signin.link-refused' : 'prof.signin.wrong') : t('prof.error.network'));
    // Typing again replaces the wrong secret.
    secretInput.select();
  }
}

function showSignedOut(): void {
  sessionTurn += 1;
  signedIn = false;
  signInForm.hidden = false;
  work.hidden = true;
  session.hidden = true;
  say('', false);
  setText(status, t('prof.signed-out'));
  document.body.dataset['signedIn'] = 'false';
  secretInput.focus();
}

async function showSignedIn(): Promise<void> {
  signInForm.hidden = true;
  work.hidden = false;
  session.hidden = false;
  setText(status, t('prof.signed-in'));
  document.body.dataset['signedIn'] = 'true';
  signedIn = true;
  startLive();
  await refresh();
  const running = data.snapshot.lessons.find((l) => l.current !== null && l.questions[l.current]?.state === 'open');
  if (runner.selected === null && running !== undefined) {
    runner.selected = running.id;
    render();
  }
}

/**
 * Once signed in, the page follows the retained polls and tallies over MQTT
 * (web/lib/prof-live.ts): nothing is read on a timer. /config.json also gives the
 * hub's clock, so the countdown reads as on the kiosk.
 */
function startLive(): void {
  if (liveStarted) return;
  liveStarted = true;
  void startPage('prof', (state) => badge.show(state)).then((context) => {
    offsetMs = context.clockOffsetMs;
    link = context.link;
    followLive({ link: context.link, topics: context.topics, data, refresh: () => void refresh(), active: () => signedIn });
    render();
  });
}

async function refresh(): Promise<void> {
  const asked = sessionTurn;
  try {
    await data.refresh();
  } catch (error) {
    // A 401 to a read made before signing in says nothing of the session now.
    if (error instanceof ApiError && error.status === 401) return asked === sessionTurn ? showSignedOut() : undefined;
    say(t('prof.error.network'), true);
  }
}

function render(): void {
  const snapshot = data.snapshot;
  runner.render(snapshot);
  lessonsPanel.render(snapshot);
  history.render(snapshot);
  document.body.dataset['lessons'] = String(snapshot.lessons.length);
}
