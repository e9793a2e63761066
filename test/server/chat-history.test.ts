/**
 * Issue 13 item 5: the hub keeps a bounded chat history that new visitors read
 * (`GET /api/chat/history`, no admin token), with the hub's times; retained chat
 * messages are not part of it; the teacher clears it and mutes a name.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../cli/main.js';
import { closeClient, connectClient } from '../harness/mqtt.js';

import { TEST_ADMIN_TOKEN, type TestServer, startTestServer } from './helpers.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function hub(): Promise<TestServer> {
  const server = await startTestServer();
  cleanups.push(() => server.dispose());
  return server;
}

interface View {
  now: number;
  messages: { name: string; text: string | null; at: number }[];
  muted: string[];
}

async function history(server: TestServer): Promise<View> {
  const response = await fetch(`${server.running.httpUrl}/api/chat/history`);
  expect(response.status).toBe(200);
  return (await response.json()) as View;
}

async function admin(server: TestServer, path: string, token = TEST_ADMIN_TOKEN): Promise<Response> {
  return fetch(`${server.running.httpUrl}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
}

async function waitFor(server: TestServer, done: (view: View) => boolean, what: string): Promise<View> {
  // vi.waitFor directly: the check is an HTTP request (until() takes a synchronous one).
  return vi.waitFor(
    async () => {
      const view = await history(server);
      if (!done(view)) throw new Error(`waiting for ${what}: ${JSON.stringify(view).slice(0, 500)}`);
      return view;
    },
    { timeout: 10_000, interval: 25 },
  );
}

describe('the chat history on the hub', () => {
  it('records live messages with the hub time, not retained copies, bad names or more than its bound', async () => {
    const server = await hub();
    const old = await connectClient(server.running.mqttUrl);
    cleanups.push(() => closeClient(old));
    // The greeting that used to welcome every visitor: retained before anyone listened... and again now.
    await old.publishAsync('classroom/chat/Professeur', 'Bienvenue !', { qos: 1, retain: true });
    const before = Date.now();
    await old.publishAsync('classroom/chat/Zoé', 'Bonjour', { qos: 1 });
    await old.publishAsync(`classroom/chat/${'N'.repeat(10_000)}`, 'nom trop long', { qos: 1 });
    await old.publishAsync('classroom/chat/Léo', 'Salut', { qos: 1 });
    const view = await waitFor(server, (v) => v.messages.some((m) => m.name === 'Léo'), 'Léo in the history');
    const after = Date.now();
    // The retained one was sent live too (once, when published): the hub has it once, never from a replay.
    expect(view.messages.map((m) => [m.name, m.text])).toEqual([
      ['Professeur', 'Bienvenue !'],
      ['Zoé', 'Bonjour'],
      ['Léo', 'Salut'],
    ]);
    for (const m of view.messages) {
      expect(m.at).toBeGreaterThanOrEqual(before - 1_000);
      expect(m.at).toBeLessThanOrEqual(after);
    }
    expect(view.muted).toEqual([]);

    // A retained copy replayed to a new session (the server's own reconnect) adds nothing.
    const flood = await connectClient(server.running.mqttUrl);
    cleanups.push(() => closeClient(flood));
    for (let i = 0; i < 250; i += 1) flood.publish('classroom/chat/Flood', `message ${i}`, { qos: 0 });
    await flood.publishAsync('classroom/chat/Flood', 'dernier', { qos: 1 });
    const full = await waitFor(server, (v) => v.messages.at(-1)?.text === 'dernier', 'the flood in the history');
    expect(full.messages.length).toBe(200);
    expect(full.messages.filter((m) => m.name === 'Professeur')).toEqual([]);
  });

  it('is cleared and mutes a name with the admin token, not without', async () => {
    const server = await hub();
    const client = await connectClient(server.running.mqttUrl);
    cleanups.push(() => closeClient(client));
    await client.publishAsync('classroom/chat/Eve', 'spam', { qos: 1 });
    await client.publishAsync('classroom/chat/Zoé', 'Bonjour', { qos: 1 });
    await waitFor(server, (v) => v.messages.length === 2, 'two messages');

    expect((await admin(server, '/api/chat/mute/Eve', 'wrong-token')).status).toBe(401);
    expect((await admin(server, '/api/chat/clear', 'wrong-token')).status).toBe(401);
    const bad = await admin(server, `/api/chat/mute/${encodeURIComponent('a\u0000b')}`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/not a chat name/);

    const muted = await admin(server, '/api/chat/mute/Eve');
    expect(muted.status).toBe(200);
    expect(await muted.json()).toEqual({ muted: 'Eve', removed: 1 });
    await client.publishAsync('classroom/chat/Eve', 'encore', { qos: 1 });
    // Another student: the connection that used the muted name has its chat refused under any name (test/server/broker/chat-mute.test.ts).
    const other = await connectClient(server.running.mqttUrl);
    cleanups.push(() => closeClient(other));
    await other.publishAsync('classroom/chat/Léo', 'Salut', { qos: 1 });
    const view = await waitFor(server, (v) => v.messages.some((m) => m.name === 'Léo'), 'Léo');
    expect(view.messages.map((m) => m.name)).toEqual(['Zoé', 'Léo']);
    expect(view.muted).toEqual(['Eve']);

    const cleared = await admin(server, '/api/chat/clear');
    expect(await cleared.json()).toEqual({ cleared: 2 });
    expect((await history(server)).messages).toEqual([]);

    expect(await (await admin(server, '/api/chat/unmute/Eve')).json()).toEqual({ unmuted: 'Eve', wasMuted: true });
    expect((await history(server)).muted).toEqual([]);
  });

  it('mqtt-classroom chat mute NAME and chat clear do it from the terminal', async () => {
    const server = await hub();
    const client = await connectClient(server.running.mqttUrl);
    cleanups.push(() => closeClient(client));
    await client.publishAsync('classroom/chat/Eve', 'spam', { qos: 1 });
    await client.publishAsync('classroom/chat/Zoé', 'Bonjour', { qos: 1 });
    await waitFor(server, (v) => v.messages.length === 2, 'two messages');
    let out = '';
    let err = '';
    const ctx = { stdout: (t: string) => (out += t), stderr: (t: string) => (err += t), env: { SERVER_URL: server.running.httpUrl, ADMIN_TOKEN: TEST_ADMIN_TOKEN } };
    expect(await main(['chat', 'mute', 'Eve'], ctx)).toBe(0);
    expect(out).toContain('Eve muted: 1 messages removed');
    expect((await history(server)).messages.map((m) => m.name)).toEqual(['Zoé']);
    expect(await main(['chat', 'clear'], ctx)).toBe(0);
    expect(out).toContain('chat history cleared (1 messages)');
    expect((await history(server)).messages).toEqual([]);
    expect(await main(['chat', 'mute', 'a b\u0007'], ctx)).toBe(2);
    expect(err).toContain('not a chat name');
    expect(await main(['chat', 'clear'], { ...ctx, env: { ...ctx.env, ADMIN_TOKEN: 'wrong' } })).toBe(2);
  });
});
