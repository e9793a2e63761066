/**
 * "La salle" on the teacher's page: every box online or not, when it was last
 * seen, the votes waiting in its outbox and what its buttons vote for; the
 * browsers connected; the broker and the hub; the bread. Live from the hub's
 * server-sent events (`/api/room/events`, behind the teacher's session): the hub
 * pushes a snapshot at each change, nobody polls. Mounted with one call.
 */
import '../styles/prof-room.css';
import type { DeviceInfoInput } from '../../shared/codecs/device-info.js';
import type { DeviceView, RoomSnapshot } from '../../shared/room.js';
import { breadLabel, formatCelsius } from './bread.js';
import { el, setText } from './dom.js';
import type { Translator } from './i18n.js';
import { api } from './prof-api.js';
import { type RoomT, roomStrings } from './prof-room-strings.js';

/**
 * Adds the panel to `parent` (the signed-in part of /prof). It listens while the
 * page says it is signed in (`body[data-signed-in="true"]`, set by web/pages/prof.ts)
 * and stops when it signs out, so a signed-out page never asks the API.
 */
export function mountRoomPanel(parent: HTMLElement, tr: Translator): void {
  const t = roomStrings(tr.lang);
  const clock = new Intl.DateTimeFormat(tr.lang, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  const live = el('p', { class: 'room-live', attrs: { role: 'status' } });
  const facts = el('dl', { class: 'room-facts' });
  const none = el('p', { class: 'hint', text: t('devices.none') });
  const rows = el('tbody');
  const table = el('table', { class: 'room-devices' }, [
    el('caption', { text: t('devices') }),
    el('thead', {}, [el('tr', {}, (['col.device', 'col.state', 'col.seen', 'col.outbox', 'col.inputs'] as const).map((k) => el('th', { text: t(k), attrs: { scope: 'col' } })))]),
    rows,
  ]);
  const bakeButton = el('button', { class: 'button', text: t('bake.new'), attrs: { type: 'button' } });
  const bakeNote = el('p', { class: 'room-note', attrs: { role: 'status' } });
  const panel = el('section', { class: 'panel room', attrs: { 'aria-labelledby': 'prof-room-title', id: 'prof-room' } }, [
    el('h2', { text: t('title'), attrs: { id: 'prof-room-title' } }),
    live,
    facts,
    none,
    table,
    el('div', { class: 'row' }, [bakeButton]),
    bakeNote,
  ]);
  parent.append(panel);

  bakeButton.addEventListener('click', () => {
    void api('POST', '/api/bread/new-bake')
      .then(() => setText(bakeNote, t('bake.done')))
      .catch(() => setText(bakeNote, t('bake.failed')));
  });

  let source: EventSource | null = null;
  const signedIn = () => document.body.dataset['signedIn'] === 'true';
  const listen = () => {
    if (!signedIn() || source !== null) return;
    source = new EventSource('/api/room/events');
    source.onmessage = (event: MessageEvent<string>) => {
      setText(live, t('live'));
      render(JSON.parse(event.data) as RoomSnapshot);
    };
    source.onerror = () => {
      // A network loss: EventSource reconnects by itself. Closed (401 after signing out): start again when shown.
      setText(live, t('lost'));
      if (source?.readyState === EventSource.CLOSED) source = null;
    };
  };
  const stop = () => {
    source?.close();
    source = null;
  };
  new MutationObserver(() => (signedIn() ? listen() : stop())).observe(document.body, { attributes: true, attributeFilter: ['data-signed-in'] });
  listen();

  function render(room: RoomSnapshot): void {
    facts.replaceChildren(
      ...fact(t('broker'), t(room.broker.connected ? 'broker.ok' : 'broker.down', { kind: t(`broker.${room.broker.kind}`) })),
      ...fact(t('hub'), t(room.hub.storing ? 'hub.ok' : 'hub.failing', { version: room.hub.version })),
      ...fact(t('phones'), room.phones === null ? t('phones.unknown') : tr.number(room.phones)),
      ...fact(t('bread'), room.bread.celsius === null && room.bread.state === null ? t('bread.none') : `${breadLabel(tr, room.bread.state)} · ${formatCelsius(tr, room.bread.celsius)}`),
    );
    none.hidden = room.devices.length > 0;
    table.hidden = room.devices.length === 0;
    rows.replaceChildren(...room.devices.map((d) => deviceRow(d, t)));
  }

  function deviceRow(device: DeviceView, words: RoomT): HTMLTableRowElement {
    const outbox = device.info?.outbox ?? null;
    return el('tr', { class: `room-device room-device--${device.status}`, attrs: { 'data-device': device.id, 'data-status': device.status } }, [
      el('th', { text: device.id, attrs: { scope: 'row' } }),
      el('td', { class: 'room-state', text: words(device.status) }),
      el('td', { text: device.lastSeen === null ? words('never') : clock.format(device.lastSeen) }),
      el('td', { class: 'room-outbox', text: outbox === null ? words('never') : tr.number(outbox) }),
      el('td', { text: device.info === null ? words('never') : inputsText(device.info.inputs) }),
    ]);
  }
}

function fact(term: string, value: string): HTMLElement[] {
  return [el('dt', { text: term }), el('dd', { text: value })];
}

/** "keyboard 1→1 2→2": each button and the option it votes for. */
function inputsText(inputs: readonly DeviceInfoInput[]): string {
  return inputs.map((input) => [input.type, ...input.buttons.map((b) => `${b.id}→${b.press ?? '·'}`)].join(' ')).join(' · ') || '—';
}
