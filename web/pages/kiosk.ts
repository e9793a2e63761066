/**
 * The kiosk results screen (`/`, `/kiosk`): the open poll's bars from the retained
 * tally snapshot, the QR code of the vote page, the bread and the connection.
 * Messages only update state; the screen is drawn at most once per animation frame.
 */
import '../styles/kiosk.css';
import type { PollOption } from '../../shared/poll.js';
import { parseTopic } from '../../shared/topics.js';
import { breadClass, breadLabel, formatCelsius, parseBreadState, parseCelsius } from '../lib/bread.js';
import { type BakeCurve, addReading, fetchBake, takeBakeStart } from '../lib/bread-history.js';
import { breadSparkline } from '../lib/bread-sparkline.js';
import { appRoot, el, setText } from '../lib/dom.js';
import { pageTranslator } from '../lib/i18n.js';
import { formatSeconds, secondsLeft } from '../../shared/countdown.js';
import { startPage } from '../lib/page.js';
import { mountLeaderboard } from '../lib/kiosk-leaderboard.js';
import { PollBoard, pinnedPoll } from '../lib/polls.js';
import { qrSvg } from '../lib/qr.js';
import { resolveWsUrls } from '../lib/config.js';
import { type RawCounting, countRawVotes } from '../lib/raw-counting.js';
import { rawSource } from '../lib/raw-votes.js';
import { revealNote, showReveal } from '../lib/reveal-kiosk.js';
import { every } from '../../shared/scheduler.js';
import { browserScheduler, renderScheduler } from '../lib/scheduler.js';
import { type PageState, statusBadge } from '../lib/status.js';

interface ResultsView {
  question: string;
  state: 'open' | 'closed' | null;
  options: readonly PollOption[];
  counts: Readonly<Record<string, number>>;
  rejected: number;
  rawTopic: string | null;
  /** The teacher hides the results: only how many voted is known (and shown). */
  hidden: { total: number } | null;
  /** Hub time at which the open poll closes by itself, or null. */
  deadline: number | null;
}

const tr = pageTranslator();
document.title = tr.t('title.kiosk');
const params = new URLSearchParams(location.search);
const pinned = pinnedPoll(location.search);
const board = new PollBoard();
let counter: RawCounting | null = null;
let connection: PageState = 'connecting';
let breadState: string | null = null;
let celsius: number | null = null;

const badge = statusBadge(tr);
const question = el('h1', { class: 'question' });
const pollState = el('span', { class: 'poll-state' });
const rawNote = el('p', { class: 'raw-note' });
const bars = el('ol', { class: 'bars' });
const total = el('p', { class: 'total' });
const hiddenNote = el('p', { class: 'hidden-note' });
const correctNote = revealNote();
const countdown = el('span', { class: 'countdown', attrs: { 'aria-live': 'off' } });
let clockOffsetMs = 0;
const qrBox = el('div', { class: 'qr-box' });
const breadValue = el('p', { class: 'bread-state' });
const breadTemp = el('p', { class: 'bread-temp' });
// The bake since it started (the hub's readings, then live ones).
const bake: BakeCurve = { t: [], c: [], startedAt: null };
const spark = breadSparkline(tr.t('pain.chart'));
appRoot().append(
  el('div', { class: 'kiosk' }, [
    el('section', { class: 'results' }, [el('header', { class: 'results-head' }, [question, pollState, countdown]), rawNote, hiddenNote, correctNote, bars, total]),
    el('aside', { class: 'side' }, [
      qrBox,
      el('div', { class: 'bread-box' }, [el('h2', { class: 'bread-title', text: tr.t('bread.title') }), breadValue, breadTemp, spark.element]),
      badge.element,
    ]),
  ]),
);

// Quiz mode: the top 10 over the results while the teacher shows it.
const leaderboard = mountLeaderboard(appRoot(), tr.lang);

const schedule = renderScheduler(render);
schedule();
showQr(params.get('voteUrl'));
void startPage('kiosk', (state) => {
  connection = state;
  schedule();
}).then(({ config, link, topics, clockOffsetMs: offset }) => {
  clockOffsetMs = offset;
  // The countdown moves on its own: a redraw twice a second (it changes nothing when nothing moved).
  every(browserScheduler, 500, schedule);
  if (!params.has('voteUrl') && config.publicUrl) showQr(`${config.publicUrl.replace(/\/+$/, '')}/vote`);
  const raw = rawSource(location.search, config.voteTopic);
  // The raw votes are counted in a worker, on its own connection (web/lib/raw-worker.ts).
  if (raw !== null) {
    counter = countRawVotes(raw, {
      workerUrl: new URL(import.meta.url),
      urls: resolveWsUrls(config, location.href),
      ...(config.username ? { username: config.username } : {}),
      ...(config.password ? { password: config.password } : {}),
      link,
      onChange: schedule,
    });
  }
  link.subscribe([topics.allPolls, topics.allTallies, topics.leaderboard]);
  // The bread once the hub's readings are in, so the retained reading is not drawn twice (web/lib/bread-history.ts).
  void fetchBake().then((kept) => {
    if (kept !== null) {
      bake.t.push(...kept.t);
      bake.c.push(...kept.c);
      bake.startedAt = kept.startedAt;
    }
    link.subscribe([topics.bread, topics.breadTemperature, topics.breadBake]);
    schedule();
  });
  link.onMessage((topic, payload, retained) => {
    const parsed = parseTopic(topics, topic);
    if (parsed === null) return;
    let changed = false;
    if (parsed.kind === 'poll') changed = board.takePoll(parsed.pollId, payload);
    else if (parsed.kind === 'tally') changed = board.takeTally(parsed.pollId, payload);
    else if (parsed.kind === 'leaderboard') leaderboard.take(payload);
    else if (parsed.kind === 'bread') {
      breadState = parseBreadState(payload);
      changed = true;
    } else if (parsed.kind === 'bread-bake') {
      changed = takeBakeStart(bake, payload);
    } else if (parsed.kind === 'bread-temperature') {
      celsius = parseCelsius(payload);
      addReading(bake, celsius, retained, browserScheduler.now() + clockOffsetMs);
      changed = true;
    }
    if (changed) schedule();
  });
});

/** The vote page's address: `?voteUrl=`, the server's public URL, else this host. */
function showQr(configured: string | null): void {
  const base = configured ?? `${location.origin}/vote`;
  const url = pinned === null || configured !== null ? base : `${base}?poll=${encodeURIComponent(pinned)}`;
  const loopback = configured === null && /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/.test(location.hostname);
  qrBox.replaceChildren(
    qrSvg(url, tr.t('kiosk.scan')),
    el('p', { class: 'qr-caption', text: tr.t('kiosk.scan') }),
    el('p', { class: 'qr-url', text: url }),
    ...(loopback ? [el('p', { class: 'qr-warning', text: tr.t('kiosk.loopback') })] : []),
  );
}

/** What to draw: the server's snapshot if there is one, else the raw votes this page counted. */
function currentView(): ResultsView | null {
  const poll = board.current(pinned);
  const snapshot = poll === null ? undefined : board.tallies.get(poll.id);
  if (poll !== null && (snapshot !== undefined || counter === null)) {
    return { question: poll.question, state: poll.state, options: poll.options, counts: snapshot?.counts ?? {}, rejected: snapshot?.rejected ?? 0, rawTopic: null,
      hidden: snapshot?.hidden === true ? { total: snapshot.total } : null,
      deadline: poll.state === 'open' ? (poll.deadline ?? null) : null,
    };
  }
  if (counter !== null) {
    const counted = counter.view;
    const topic = counter.source.topic;
    return {
      question: poll?.question ?? tr.t('kiosk.raw.question', { topic }),
      state: poll?.state ?? null,
      options: counter.source.options !== null || poll === null ? counted.options : poll.options,
      counts: counted.counts,
      rejected: counted.rejected,
      rawTopic: topic,
      hidden: null,
      deadline: null,
    };
  }
  return null;
}

let shownOptions = '';
function render(): void {
  // Connected once both the page's link and the raw votes' (when counting them) are.
  badge.show(connection === 'connected' && counter !== null ? counter.state : connection);
  setText(breadValue, breadLabel(tr, breadState));
  if (breadValue.className !== breadClass(breadState)) breadValue.className = breadClass(breadState);
  setText(breadTemp, formatCelsius(tr, celsius));
  spark.draw(bake);

  const view = currentView();
  counter?.drawn();
  setText(question, view?.question ?? tr.t('kiosk.waiting'));
  setText(pollState, view?.state === 'open' ? tr.t('poll.open') : view?.state === 'closed' ? tr.t('poll.closed') : '');
  pollState.className = `poll-state poll-state--${view?.state ?? 'none'}`;
  setText(rawNote, view?.rawTopic ? tr.t('kiosk.raw', { topic: view.rawTopic }) : '');
  rawNote.hidden = !view?.rawTopic;

  const deadline = view?.deadline ?? null;
  setText(countdown, deadline === null ? '' : formatSeconds(secondsLeft(deadline, browserScheduler.now(), clockOffsetMs)));
  countdown.hidden = deadline === null;
  const hidden = view?.hidden ?? null;
  setText(hiddenNote, hidden === null ? '' : tr.t('kiosk.hidden'));
  hiddenNote.hidden = hidden === null;
  bars.hidden = hidden !== null;
  showReveal(correctNote, bars, board.current(pinned), tr);
  if (hidden !== null) {
    setText(total, `${tr.t('kiosk.total')} ${tr.count('kiosk.votes', hidden.total)}`);
    return;
  }

  const options = view?.options ?? [];
  const key = JSON.stringify(options);
  if (key !== shownOptions) {
    shownOptions = key;
    bars.replaceChildren(...options.map((option, index) => barRow(option, index)));
    // Up to 6 options: label above a thick bar. More: one line each; over 13, two columns.
    bars.className = `bars bars--${options.length > 13 ? 'lots' : options.length > 6 ? 'many' : 'few'}`;
    showReveal(correctNote, bars, board.current(pinned), tr);
  }
  const counts = options.map((option) => view?.counts[option.id] ?? 0);
  const sum = counts.reduce((a, b) => a + b, 0);
  const max = Math.max(1, ...counts);
  bars.querySelectorAll<HTMLElement>('.bar-row').forEach((row, index) => {
    const count = counts[index] ?? 0;
    setText(row.querySelector('.bar-count')!, tr.number(count));
    setText(row.querySelector('.bar-pct')!, sum === 0 ? '' : tr.percent(count / sum));
    // Bars are relative to the leader, so the leading option fills the width.
    const width = `${((count / max) * 100).toFixed(2)}%`;
    const fill = row.querySelector<HTMLElement>('.bar-fill')!;
    if (fill.style.width !== width) fill.style.width = width;
  });
  const rejected = view?.rejected ?? 0;
  setText(total, view === null ? '' : `${tr.t('kiosk.total')} ${tr.count('kiosk.votes', sum)}${rejected > 0 ? ` · ${tr.count('kiosk.rejected', rejected)}` : ''}`);
}

function barRow(option: PollOption, index: number): HTMLElement {
  const row = el('li', { class: `bar-row color-${index % 8}` }, [
    el('div', { class: 'bar-head' }, [
      el('span', { class: 'bar-label', text: option.label }),
      el('span', { class: 'bar-numbers' }, [el('span', { class: 'bar-count' }), el('span', { class: 'bar-pct' })]),
    ]),
    el('div', { class: 'bar-track' }, [el('div', { class: 'bar-fill' })]),
  ]);
  row.dataset.option = option.id;
  return row;
}
