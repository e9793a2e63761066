/**
 * The class chat (`/chat`): everyone's messages on `<prefix>/chat/+`, and yours
 * sent on `<prefix>/chat/<name>`. `mosquitto_pub -t classroom/chat/Zoé -m Bonjour`
 * shows up here too. Names and texts come from anyone: they go in as text only,
 * checked by the shared codec. On load the page reads the hub's history once
 * (`/api/chat/history`: what was said before, with the hub's times, and the names
 * the teacher muted), then only live MQTT. Retained chat messages are old ones
 * replayed by the broker: not shown. Whatever the rate, it keeps at most
 * KEEP_MESSAGES messages, waiting or shown, and renders coalesced (a timer takes
 * over when a hidden tab gets no animation frame).
 */
import '../styles/chat.css';
import { type ChatMessage, chatName, decodeChat, encodeChat } from '../../shared/codecs/chat.js';
import { ChatBuffer } from '../lib/chat-buffer.js';
import { type ChatHistory, fetchChatHistory, overlap } from '../lib/chat-history.js';
import { isValidId } from '../../shared/ids.js';
import type { Topics } from '../../shared/topics.js';
import type { MqttLink } from '../lib/connection.js';
import { appRoot, el, navBar, setText } from '../lib/dom.js';
import { pageTranslator } from '../lib/i18n.js';
import { startPage } from '../lib/page.js';
import { browserScheduler, renderScheduler } from '../lib/scheduler.js';
import { type PageState, statusBadge } from '../lib/status.js';

const NAME_KEY = 'mqtt-classroom.chat-name';
const KEEP_MESSAGES = 200;

interface ShownMessage extends ChatMessage {
  readonly at: number;
}

const tr = pageTranslator();
document.title = tr.t('title.chat');
let connection: PageState = 'connecting';
let name: string | null = storedName();
let link: MqttLink | null = null;
let topics: Topics | null = null;
/** Received, not yet rendered; never more than KEEP_MESSAGES (older ones would be trimmed at once anyway). */
const incoming = new ChatBuffer<ShownMessage>(KEEP_MESSAGES);
/** Live messages that came before the history did (it may hold them too). */
let early: ShownMessage[] | null = [];
/** Hub time minus this page's time: every stamp is the hub's, whatever this phone's clock says. */
let clockOffset = 0;
let muted = new Set<string>();
const timeFormat = new Intl.DateTimeFormat(tr.lang, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

const badge = statusBadge(tr);
const nameInput = el('input', {
  class: 'name-input',
  attrs: { id: 'chat-name', name: 'name', maxlength: '64', autocomplete: 'nickname', required: '', spellcheck: 'false' },
});
const nameError = el('p', { class: 'error', attrs: { role: 'alert' } });
const nameForm = el('form', { class: 'name-form' }, [
  el('label', { text: tr.t('chat.name.label'), attrs: { for: 'chat-name' } }),
  el('div', { class: 'row' }, [nameInput, el('button', { class: 'button', text: tr.t('chat.name.join'), attrs: { type: 'submit' } })]),
  nameError,
]);
const whoAmI = el('span', { class: 'who' });
const changeName = el('button', { class: 'link-button', text: tr.t('chat.change'), attrs: { type: 'button' } });
const identity = el('p', { class: 'identity' }, [whoAmI, changeName]);
const list = el('ol', { class: 'messages', attrs: { 'aria-live': 'polite' } });
const empty = el('p', { class: 'empty' });
const messageInput = el('input', { class: 'message-input', attrs: { id: 'chat-message', name: 'message', maxlength: '1000', autocomplete: 'off' } });
const sendError = el('p', { class: 'error', attrs: { role: 'alert' } });
const composer = el('form', { class: 'composer' }, [
  el('label', { class: 'visually-hidden', text: tr.t('chat.message.label'), attrs: { for: 'chat-message' } }),
  el('div', { class: 'row' }, [messageInput, el('button', { class: 'button', text: tr.t('chat.send'), attrs: { type: 'submit' } })]),
  sendError,
]);
appRoot().append(
  el('header', { class: 'top' }, [el('h1', { class: 'title', text: tr.t('title.chat') }), badge.element]),
  el('section', { class: 'chat' }, [nameForm, identity, list, empty, composer]),
  el('footer', { class: 'bottom' }, [navBar(tr.t, 'chat')]),
);

nameForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const wanted = chatName(nameInput.value);
  if (!isValidId(wanted)) {
    setText(nameError, tr.t('chat.name.invalid'));
    return;
  }
  setText(nameError, '');
  name = wanted;
  try {
    localStorage.setItem(NAME_KEY, wanted);
  } catch {
    // remembered for this visit only
  }
  renderIdentity();
  messageInput.focus();
});
changeName.addEventListener('click', () => {
  nameInput.value = name ?? '';
  name = null;
  renderIdentity();
  nameInput.focus();
});
composer.addEventListener('submit', (event) => {
  event.preventDefault();
  const payload = encodeChat(messageInput.value);
  if (name === null || (!payload.ok && payload.reason === 'empty')) return;
  if (!payload.ok) return setText(sendError, tr.t('chat.too-long'));
  if (link === null || topics === null || !link.publish(topics.chat(name), payload.value, { qos: 1 })) return setText(sendError, tr.t('chat.offline'));
  setText(sendError, '');
  messageInput.value = '';
});

// A chat needs no 60 renders a second: 8 leave the rest of each second to reading the messages.
const schedule = renderScheduler(render, { minIntervalMs: 125 });
renderIdentity();
schedule();
void startPage('chat', (state) => {
  connection = state;
  schedule();
}).then((ctx) => {
  ({ link, topics } = ctx);
  setText(empty, tr.t('chat.empty', { topic: ctx.topics.chat(name ?? 'Zoé') }));
  ctx.link.onMessage((topic, payload, retained) => {
    // A retained copy is an old message the broker replays to every visitor: the history has it with its real time, if the hub heard it.
    if (retained) return;
    const message = decodeChat(ctx.topics, topic, payload);
    if (message === null || !message.ok) return;
    const shown = { ...message.value, at: browserScheduler.now() + clockOffset };
    if (early !== null) early.push(shown);
    else receive([shown]);
  });
  ctx.link.subscribe([ctx.topics.allChat]);
  void fetchChatHistory().then(onHistory);
});

function onHistory(history: ChatHistory | null): void {
  const live = early ?? [];
  early = null;
  if (history !== null) {
    clockOffset = history.now - browserScheduler.now();
    muted = new Set(history.muted);
    // The live messages that came early are also the newest of the history: keep them once.
    receive([...history.messages, ...live.slice(overlap(history.messages, live))]);
  } else {
    receive(live);
  }
}

function receive(messages: readonly ShownMessage[]): void {
  incoming.add(messages.filter((message) => !muted.has(message.name)));
  schedule();
}

function render(): void {
  badge.show(connection);
  if (incoming.size === 0) return;
  const nearBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  const items = incoming.take().map(messageItem);
  if (items.length >= KEEP_MESSAGES) list.replaceChildren(...items);
  else list.append(...items);
  while (list.childElementCount > KEEP_MESSAGES) list.firstElementChild?.remove();
  empty.hidden = true;
  if (nearBottom) list.scrollTop = list.scrollHeight;
}

function messageItem(message: ShownMessage): HTMLElement {
  const item = el('li', { class: message.name === name ? 'message message--mine' : 'message' }, [
    el('span', { class: 'message-time', text: timeFormat.format(message.at) }),
    el('span', { class: `message-name hue-${hue(message.name)}`, text: message.name }),
    el('span', { class: message.text === null ? 'message-text message-text--bad' : 'message-text', text: message.text ?? tr.t('chat.unreadable') }),
  ]);
  return item;
}

function renderIdentity(): void {
  nameForm.hidden = name !== null;
  identity.hidden = name === null;
  composer.hidden = name === null;
  setText(whoAmI, name === null ? '' : tr.t('chat.as', { name }));
}

/** One of 8 colours per name, so a conversation is easy to follow. */
function hue(value: string): number {
  let h = 0;
  for (const char of value) h = (h * 31 + (char.codePointAt(0) ?? 0)) >>> 0;
  return h % 8;
}

function storedName(): string | null {
  try {
    const stored = localStorage.getItem(NAME_KEY);
    return stored !== null && isValidId(stored) ? stored : null;
  } catch {
    return null;
  }
}
