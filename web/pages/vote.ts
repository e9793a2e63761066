/**
 * The vote page (`/vote`): big buttons for the open poll's options. A vote shows
 * "received" only once the server's receipt for its id arrived; until then it
 * waits in the outbox and is sent again (same id) after 5 s and after a reconnect.
 * The outbox's rules are the shared machine's (shared/outbox/), as on the device;
 * this page publishes, takes receipts and says what happened.
 */
import '../styles/vote.css';
import { decodeReceipt } from '../../shared/codecs/receipt.js';
import type { RejectReason } from '../../shared/codecs/rejection.js';
import { encodeVote } from '../../shared/codecs/vote.js';
import { OutboxMachine } from '../../shared/outbox/machine.js';
import { OutboxPump } from '../../shared/outbox/pump.js';
import { formatSeconds, secondsLeft } from '../../shared/countdown.js';
import type { Poll } from '../../shared/poll.js';
import { type Topics, parseTopic } from '../../shared/topics.js';
import type { MqttLink } from '../lib/connection.js';
import { appRoot, el, navBar, setText } from '../lib/dom.js';
import { pageTranslator } from '../lib/i18n.js';
import { randomId } from '../lib/ids.js';
import { LocalStorageOutboxStore, MAX_PENDING_AGE_MS, type PendingVote, pendingVote, voteId, voterId } from '../lib/outbox.js';
import { OwnVotes, showVerdict, verdictLine } from '../lib/own-votes.js';
import { startPage } from '../lib/page.js';
import { PollBoard, pinnedPoll } from '../lib/polls.js';
import { mountQuizPlayer } from '../lib/quiz-player.js';
import { every } from '../../shared/scheduler.js';
import { browserScheduler, renderScheduler } from '../lib/scheduler.js';
import { type PageState, statusBadge } from '../lib/status.js';

const RESEND_AFTER_MS = 5_000;

type Feedback =
  | { kind: 'sending' | 'queued' | 'retrying' | 'received' | 'duplicate'; label: string }
  | { kind: 'rejected'; label: string; reason: RejectReason };

const tr = pageTranslator();
document.title = tr.t('title.vote');
const storage = safeLocalStorage();
// The voter secret: 24 random letters and digits (~124 bits), never shown on screen.
const voter = voterId(storage, () => randomId(24));
const pinned = pinnedPoll(location.search);
const board = new PollBoard();
let connection: PageState = 'connecting';
let feedback: { id: string; value: Feedback } | null = null;

const badge = statusBadge(tr);
const question = el('h1', { class: 'question' });
const policy = el('p', { class: 'policy' });
const notice = el('p', { class: 'notice' });
const countdown = el('p', { class: 'countdown' });
let clockOffsetMs = 0;
const offline = el('p', { class: 'offline', attrs: { role: 'alert' } });
const options = el('div', { class: 'options' });
const feedbackLine = el('p', { class: 'feedback', attrs: { role: 'status', 'aria-live': 'polite' } });
const pendingLine = el('p', { class: 'pending' });
const verdict = verdictLine();
const ownVotes = new OwnVotes(storage);
appRoot().append(
  el('header', { class: 'top' }, [badge.element]),
  offline,
  el('section', { class: 'poll' }, [question, countdown, policy, notice, verdict, options, feedbackLine, pendingLine]),
  el('footer', { class: 'bottom' }, [navBar(tr.t, 'vote')]),
);

// Quiz mode: this phone's nickname, score and rank (web/lib/quiz-player.ts).
const quiz = mountQuizPlayer(document.querySelector('section.poll') as HTMLElement, { voter, lang: tr.lang, poll: () => board.current(pinned) });

const scheduler = browserScheduler;
const outbox = new OutboxMachine({
  store: new LocalStorageOutboxStore(storage, 'mqtt-classroom.outbox'),
  clock: scheduler,
  resendAfterMs: RESEND_AFTER_MS,
  maxAgeMs: MAX_PENDING_AGE_MS,
});
outbox.expire();
const waiting = outbox.all().at(-1);
if (waiting !== undefined) feedback = { id: waiting.id, value: { kind: 'queued', label: waiting.label } };
let link: MqttLink | null = null;
let topics: Topics | null = null;
const pump = new OutboxPump({ outbox, scheduler, online: () => link !== null && topics !== null, send });

const schedule = renderScheduler(render);
schedule();
void startPage('vote', (state) => {
  connection = state;
  schedule();
}).then((ctx) => {
  ({ link, topics } = ctx);
  clockOffsetMs = ctx.clockOffsetMs;
  // The countdown moves on its own: a redraw twice a second.
  every(browserScheduler, 500, schedule);
  const t = ctx.topics;
  // Receipts come to this connection's client id (the vote's `reply`), the one
  // receipt topic the brokers let this page read.
  ctx.link.subscribe([t.allPolls, t.receipts(ctx.link.clientId)]);
  ctx.link.onMessage((topic, payload) => {
    const parsed = parseTopic(t, topic);
    if (parsed?.kind === 'poll') {
      if (board.takePoll(parsed.pollId, payload)) schedule();
    } else if (parsed?.kind === 'receipts' && parsed.voter === ctx.link.clientId) {
      takeReceipt(payload);
    }
  });
  // After every (re)connect (a clean session), everything still waiting goes out again, same ids.
  ctx.link.onConnect(() => {
    outbox.reset();
    pump.pump();
  });
  pump.start();
});

function takeReceipt(payload: Uint8Array): void {
  const receipt = decodeReceipt(payload);
  if (!receipt.ok) return;
  const settled = outbox.settle(receipt.value.id);
  if (settled === null) return;
  const r = receipt.value;
  // `duplicate` means counted before; a copy of a refused vote comes as `rejected`.
  if (r.status === 'counted' || r.status === 'duplicate') {
    ownVotes.record(settled.pollId, { option: settled.vote.option, label: settled.label, openedAt: board.polls.get(settled.pollId)?.openedAt ?? null });
  }
  const value: Feedback =
    r.status === 'rejected' && r.reason !== undefined
      ? { kind: 'rejected', label: settled.label, reason: r.reason }
      : { kind: r.status === 'duplicate' ? 'duplicate' : 'received', label: settled.label };
  // A receipt for an older vote does not hide what happened to the latest one.
  if (feedback === null || feedback.id === settled.id) feedback = { id: settled.id, value };
  schedule();
}

/** The pump's way out: publishes one vote (false when offline). */
function send(entry: PendingVote, attempt: number): boolean {
  if (link === null || topics === null) return false;
  // `reply` is this page load's client id: a vote sent again after a reload names the new one.
  if (!link.publish(topics.votes(entry.pollId), encodeVote({ ...entry.vote, reply: link.clientId }), { qos: 1 })) return false;
  if (feedback?.id === entry.id) feedback = { id: entry.id, value: { kind: attempt > 1 ? 'retrying' : 'sending', label: entry.label } };
  schedule();
  return true;
}

function vote(poll: Poll, optionId: string, label: string): void {
  const now = scheduler.now();
  const entry = pendingVote({ id: voteId(now, randomId(12)), option: optionId, voter, source: 'web', ts: now }, poll.id, label);
  outbox.add(entry);
  feedback = { id: entry.id, value: { kind: 'queued', label } };
  pump.pump();
  schedule();
}

let shownPollKey = '';
function render(): void {
  badge.show(connection);
  // The first "connecting" is not a loss; a dropped broker or an unreachable server is.
  const lost = connection === 'reconnecting' || connection === 'no-config';
  setText(offline, lost ? tr.t('vote.offline') : '');
  offline.hidden = !lost;
  const poll = board.current(pinned);
  const open = poll?.state === 'open';
  setText(question, poll?.question ?? tr.t('title.vote'));
  const deadline = open ? (poll?.deadline ?? null) : null;
  setText(countdown, deadline === null ? '' : tr.t('vote.countdown', { time: formatSeconds(secondsLeft(deadline, browserScheduler.now(), clockOffsetMs)) }));
  countdown.hidden = deadline === null;
  setText(policy, poll === null ? '' : tr.t(`vote.policy.${poll.policy}`));
  setText(notice, poll === null ? tr.t('vote.none') : open ? '' : tr.t('vote.closed'));
  notice.hidden = notice.textContent === '';
  const key = poll === null ? '' : JSON.stringify([poll.id, poll.options]);
  if (key !== shownPollKey) {
    shownPollKey = key;
    options.replaceChildren(
      ...(poll?.options ?? []).map((option, index) => {
        const button = el('button', { class: `option option--${index % 8}`, text: option.label, attrs: { type: 'button' } });
        button.dataset.option = option.id;
        button.addEventListener('click', () => {
          const current = board.current(pinned);
          if (current?.id === poll?.id && current?.state === 'open') vote(current, option.id, option.label);
        });
        return button;
      }),
    );
  }
  for (const button of options.querySelectorAll('button')) button.disabled = !open;
  options.classList.toggle('options--closed', !open);
  showVerdict(verdict, poll, ownVotes, tr);
  renderFeedback();
  quiz.update();
}

function renderFeedback(): void {
  const value = feedback?.value;
  let text = '';
  if (value !== undefined) {
    const option = value.label;
    if (value.kind === 'rejected') text = tr.t('vote.rejected', { option, reason: tr.reason(value.reason) });
    else if (value.kind === 'queued' && connection === 'connected') text = tr.t('vote.sending', { option });
    else text = tr.t(`vote.${value.kind}`, { option });
  }
  setText(feedbackLine, text);
  feedbackLine.className = `feedback feedback--${value?.kind ?? 'none'}`;
  const waitingCount = outbox.size;
  setText(pendingLine, waitingCount > 1 ? tr.count('vote.pending', waitingCount) : '');
}

function safeLocalStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}
