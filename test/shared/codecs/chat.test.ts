/**
 * SPEC: the class chat is plain UTF-8 text on `<prefix>/chat/<name>`, at most
 * 1 KiB sent; the page and the terminal use the same codec.
 */
import { describe, expect, it } from 'vitest';
import { MAX_CHAT_BYTES, MAX_CHAT_LINES, MAX_CHAT_READ_BYTES, chatName, decodeChat, encodeChat } from '../../../shared/codecs/chat.js';
import { isValidId } from '../../../shared/ids.js';
import { createTopics } from '../../../shared/topics.js';

const topics = createTopics({ prefix: 'classroom' });
const bytes = (text: string) => new TextEncoder().encode(text);

describe('chat messages', () => {
  it('round-trips a message, accents and new lines included', () => {
    const sent = encodeChat('Bonjour, ça va ?\nOui');
    expect(sent).toEqual({ ok: true, value: 'Bonjour, ça va ?\nOui' });
    if (!sent.ok) return;
    expect(decodeChat(topics, topics.chat('Zoé'), bytes(sent.value))).toEqual({ ok: true, value: { name: 'Zoé', text: 'Bonjour, ça va ?\nOui' } });
  });

  it('sends nothing blank', () => {
    expect(encodeChat('')).toMatchObject({ ok: false, reason: 'empty' });
    expect(encodeChat(' \n\t')).toMatchObject({ ok: false, reason: 'empty' });
  });

  it('sends at most 1 KiB of UTF-8, counted in bytes', () => {
    expect(encodeChat('a'.repeat(MAX_CHAT_BYTES))).toMatchObject({ ok: true });
    expect(encodeChat('a'.repeat(MAX_CHAT_BYTES + 1))).toMatchObject({ ok: false, reason: 'too-large' });
    expect(encodeChat('é'.repeat(MAX_CHAT_BYTES / 2 + 1))).toMatchObject({ ok: false, reason: 'too-large' });
  });

  it('reads longer messages from other clients, up to its read limit', () => {
    const long = 'a'.repeat(MAX_CHAT_READ_BYTES);
    expect(decodeChat(topics, 'classroom/chat/x', long)).toEqual({ ok: true, value: { name: 'x', text: long } });
    expect(decodeChat(topics, 'classroom/chat/x', `${long}a`)).toEqual({ ok: true, value: { name: 'x', text: null } });
  });

  it('keeps the name as sent and marks unreadable text', () => {
    expect(decodeChat(topics, 'classroom/chat/<b>', 'hi')).toEqual({ ok: true, value: { name: '<b>', text: 'hi' } });
    expect(decodeChat(topics, 'classroom/chat/Zoé', new Uint8Array([0xff]))).toEqual({ ok: true, value: { name: 'Zoé', text: null } });
  });

  // Issue 13: a 60,000-character name rendered about 90 screens tall on the chat page.
  it('refuses names over 64 characters or 256 bytes, blank, or with control or direction characters', () => {
    expect(decodeChat(topics, `classroom/chat/${'N'.repeat(60_000)}`, 'hi')).toMatchObject({ ok: false, reason: 'bad-id' });
    expect(decodeChat(topics, `classroom/chat/${'N'.repeat(65)}`, 'hi')).toMatchObject({ ok: false, reason: 'bad-id' });
    expect(decodeChat(topics, `classroom/chat/${'é'.repeat(64)}`, 'hi')).toMatchObject({ ok: true });
    expect(decodeChat(topics, `classroom/chat/${'\u{1F600}'.repeat(64)}`, 'hi')).toMatchObject({ ok: true });
    for (const bad of [' ', 'a\u0000b', 'Eve\u001b[2J', 'a\u202eb', 'a\u2066b', 'a\u2028b', 'a\u0085b']) {
      expect(decodeChat(topics, `classroom/chat/${bad}`, 'hi'), JSON.stringify(bad)).toMatchObject({ ok: false, reason: 'bad-id' });
    }
  });

  it('replaces control and direction characters in a text, keeps tabs and new lines, refuses a wall of lines', () => {
    expect(decodeChat(topics, 'classroom/chat/Eve', '\u001b[2Jrouge\r\nligne\tdeux\u202e')).toEqual({
      ok: true,
      value: { name: 'Eve', text: '\ufffd[2Jrouge\nligne\tdeux\ufffd' },
    });
    expect(decodeChat(topics, 'classroom/chat/Eve', 'x\n'.repeat(MAX_CHAT_LINES - 1) + 'x')).toMatchObject({ ok: true, value: { text: expect.any(String) } });
    expect(decodeChat(topics, 'classroom/chat/Eve', 'x\n'.repeat(MAX_CHAT_LINES))).toEqual({ ok: true, value: { name: 'Eve', text: null } });
  });

  it('refuses a blank payload (an empty retained publish clears the broker\'s copy, nobody said anything)', () => {
    expect(decodeChat(topics, 'classroom/chat/Professeur', '')).toMatchObject({ ok: false, reason: 'empty' });
    expect(decodeChat(topics, 'classroom/chat/Professeur', ' \n')).toMatchObject({ ok: false, reason: 'empty' });
  });

  it('ignores other topics', () => {
    expect(decodeChat(topics, 'classroom/polls/cours', 'hi')).toBeNull();
    expect(decodeChat(topics, 'other/chat/Zoé', 'hi')).toBeNull();
  });
});

describe('chat names', () => {
  it('are trimmed and NFC-normalized, then must be ids', () => {
    expect(chatName('  Zoe\u0301 ')).toBe('Zoé');
    expect(isValidId(chatName('deux mots'))).toBe(false);
    expect(isValidId(chatName('a/b'))).toBe(false);
  });
});
