/**
 * The bread page (`/pain`): the oven's state and temperature, and a chart of the
 * temperature since the bake started: the hub's readings (`/api/bread/history`),
 * then the live ones (web/lib/bread-history.ts). Without a hub that keeps them (the
 * course's static pages) the curve starts when this tab did, kept in sessionStorage.
 */
import 'uplot/dist/uPlot.min.css';
import '../styles/pain.css';
import uPlot from 'uplot';
import { breadClass, breadLabel, formatCelsius, parseBreadState, parseCelsius } from '../lib/bread.js';
import { type BakeCurve, addReading, fetchBake, takeBakeStart } from '../lib/bread-history.js';
import { appRoot, el, navBar, setText } from '../lib/dom.js';
import { pageTranslator } from '../lib/i18n.js';
import { startPage } from '../lib/page.js';
import { browserScheduler, renderScheduler } from '../lib/scheduler.js';
import { type PageState, statusBadge } from '../lib/status.js';

const HISTORY_KEY = 'mqtt-classroom.bread-history';
const MAX_POINTS = 5_000;

const tr = pageTranslator();
document.title = tr.t('title.pain');
let connection: PageState = 'connecting';
let breadState: string | null = null;
let celsius: number | null = null;
const history = loadHistory();
const hoursMinutes = new Intl.DateTimeFormat(tr.lang, { hour: '2-digit', minute: '2-digit' });
const hoursMinutesSeconds = new Intl.DateTimeFormat(tr.lang, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

const badge = statusBadge(tr);
const stateLine = el('p', { class: 'bread-state' });
const tempLine = el('p', { class: 'bread-temp' });
const chartBox = el('div', { class: 'chart' });
appRoot().append(
  el('header', { class: 'top' }, [el('h1', { class: 'title', text: tr.t('title.pain') }), badge.element]),
  el('section', { class: 'now' }, [
    el('div', { class: 'now-state' }, [stateLine]),
    el('div', { class: 'now-temp' }, [el('p', { class: 'bread-temp-label', text: tr.t('pain.temperature') }), tempLine]),
  ]),
  el('section', { class: 'history' }, [el('h2', { class: 'chart-title', text: tr.t('pain.chart') }), chartBox]),
  el('footer', { class: 'bottom' }, [navBar(tr.t, 'pain')]),
);

const chart = new uPlot(
  {
    width: chartWidth(),
    height: chartHeight(),
    scales: { x: { time: true } },
    series: [{}, { label: '°C', stroke: '#c0392b', width: 3, points: { show: false } }],
    axes: [{ stroke: '#333', values: timeLabels }, { stroke: '#333', label: '°C' }],
    legend: { show: false },
  },
  [history.t, history.c],
  chartBox,
);
addEventListener('resize', () => chart.setSize({ width: chartWidth(), height: chartHeight() }));

const schedule = renderScheduler(render);
schedule();
const started = startPage('pain', (state) => {
  connection = state;
  schedule();
});
// Subscribed once the hub's readings are in: the retained reading then repeats the last one, and is skipped.
void Promise.all([fetchBake(), started]).then(([bake, { link, topics, clockOffsetMs }]) => {
  if (bake !== null) {
    history.t.splice(0, history.t.length, ...bake.t);
    history.c.splice(0, history.c.length, ...bake.c);
    history.startedAt = bake.startedAt;
    schedule();
  }
  link.subscribe([topics.bread, topics.breadTemperature, topics.breadBake]);
  link.onMessage((topic, payload, retained) => {
    if (topic === topics.bread) breadState = parseBreadState(payload);
    else if (topic === topics.breadBake && takeBakeStart(history, payload)) save();
    else if (topic === topics.breadTemperature) {
      celsius = parseCelsius(payload);
      // On the hub's clock, like the readings it kept.
      if (addReading(history, celsius, retained, browserScheduler.now() + clockOffsetMs, MAX_POINTS)) save();
    }
    schedule();
  });
});

function save(): void {
  try {
    sessionStorage.setItem(HISTORY_KEY, JSON.stringify({ t: history.t, c: history.c }));
  } catch {
    // the curve then lasts as long as the page
  }
}

function render(): void {
  badge.show(connection);
  setText(stateLine, breadLabel(tr, breadState));
  if (stateLine.className !== breadClass(breadState)) stateLine.className = breadClass(breadState);
  setText(tempLine, formatCelsius(tr, celsius));
  chart.setData([history.t, history.c]);
  // What the chart holds, for a person's devtools and the browser tests.
  chartBox.dataset['points'] = String(history.t.length);
}

/** The tab's own curve, until the hub's history replaces it (null start: not the hub's). */
function loadHistory(): BakeCurve {
  try {
    const parsed = JSON.parse(sessionStorage.getItem(HISTORY_KEY) ?? 'null') as { t?: unknown; c?: unknown } | null;
    const t = Array.isArray(parsed?.t) ? parsed.t : [];
    const c = Array.isArray(parsed?.c) ? parsed.c : [];
    if (t.length === c.length && [...t, ...c].every((n) => typeof n === 'number' && Number.isFinite(n))) {
      return { t: t as number[], c: c as number[], startedAt: null };
    }
  } catch {
    // start a fresh curve
  }
  return { t: [], c: [], startedAt: null };
}

/** Clock times in the page's language: 14:05 over a long bake, 14:05:30 over a short one. */
function timeLabels(u: uPlot, splits: number[]): string[] {
  const range = (u.scales.x?.max ?? 0) - (u.scales.x?.min ?? 0);
  const format = range > 600 ? hoursMinutes : hoursMinutesSeconds;
  return splits.map((seconds) => format.format(seconds * 1000));
}

function chartWidth(): number {
  return Math.max(280, chartBox.clientWidth || Math.min(innerWidth - 32, 1200));
}

function chartHeight(): number {
  return Math.max(200, Math.min(480, Math.round(innerHeight * 0.45)));
}
