import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { loadServerEnv } from '../../runtime/env.js';
import { browserConfig } from '../../server/http/config-json.js';
import { createTopics } from '../../shared/topics.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../server/http/security-headers.js';
import { closeClient, connectClient } from '../harness/mqtt.js';
import { type TestServer, clientIdOf, jsonVote, openPoll, receiptCollector, startTestServer, tempDataDir } from './helpers.js';

/** A raw GET that sends the path exactly as written (fetch would normalise `..`). */
function rawGet(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the HTTP server', () => {
  let server: TestServer;
  const web = tempDataDir();

  beforeAll(async () => {
    writeFileSync(join(web.dir, 'index.html'), '<p>placeholder</p>');
    writeFileSync(join(web.dir, 'vote.html'), '<p>vote page</p>');
    writeFileSync(join(web.dir, 'secret.txt'), 'outside the assets');
    mkdirSync(join(web.dir, 'assets', 'fonts'), { recursive: true });
    writeFileSync(join(web.dir, 'assets', 'vote.js'), 'console.log(1)');
    writeFileSync(join(web.dir, 'assets', 'kiosk.css'), 'body{}');
    writeFileSync(join(web.dir, 'assets', 'fonts', 'big.woff2'), 'w');
    server = await startTestServer(
      { MQTT_WS_URL: 'wss://pi.example/mqtt', BROWSER_MQTT_USERNAME: 'voter', BROWSER_MQTT_PASSWORD: 'public-in-class', VOTE_TOPIC: 'test/phone' },
      { webRoot: web.dir },
    );
  });
  afterAll(async () => {
    await server.dispose();
    web.remove();
  });

  it('serves each page, falling back to the placeholder for a page not built yet, with a strict CSP', async () => {
    const base = server.running.httpUrl;
    const vote = await fetch(`${base}/vote`);
    expect(vote.status).toBe(200);
    expect(await vote.text()).toBe('<p>vote page</p>');
    expect(vote.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(vote.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
    expect(vote.headers.get('x-content-type-options')).toBe('nosniff');
    for (const page of ['/', '/kiosk', '/pain', '/chat/']) {
      const response = await fetch(`${base}${page}`);
      expect([page, response.status, await response.text()]).toEqual([page, 200, '<p>placeholder</p>']);
    }
    expect((await fetch(`${base}/nothing-here`)).status).toBe(404);
  });

  it('serves the bundles with their content types and revalidates with an ETag', async () => {
    const base = server.running.httpUrl;
    const js = await fetch(`${base}/assets/vote.js`);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await fetch(`${base}/assets/kiosk.css`)).headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect((await fetch(`${base}/assets/fonts/big.woff2`)).headers.get('content-type')).toBe('font/woff2');
    const again = await fetch(`${base}/assets/vote.js`, { headers: { 'if-none-match': js.headers.get('etag') ?? '' } });
    expect(again.status).toBe(304);
  });

  it('never serves a file outside the assets folder, however the path is written', async () => {
    const port = server.running.httpPort;
    for (const path of [
      '/assets/../secret.txt',
      '/assets/%2e%2e/secret.txt',
      '/assets/..%2fsecret.txt',
      '/assets/..%5csecret.txt',
      '/assets/fonts/%2e%2e/%2e%2e/secret.txt',
      '/assets/%00vote.js',
      '/assets/',
      '/secret.txt',
    ]) {
      const response = await rawGet(port, path);
      expect([path, response.status]).toEqual([path, 404]);
      expect(response.body).not.toContain('outside the assets');
    }
  });

  it('tells browsers where the broker is in /config.json, with the public voter account only', async () => {
    const response = await fetch(`${server.running.httpUrl}/config.json`);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({
      wsUrl: 'wss://pi.example/mqtt',
      prefix: 'classroom',
      voteTopic: 'test/phone',
      breadTopic: 'pain/cuisson',
      username: 'voter',
      password: 'public-in-class',
      // The hub's clock, for the pages' countdowns.
      serverTime: expect.any(Number),
    });
  });

  it('carries the embedded broker on the same port at /mqtt, as a browser votes', async () => {
    expect(server.running.wsUrl).toBe(`ws://127.0.0.1:${server.running.httpPort}/mqtt`);
    openPoll(server.running, 'ws', ['A', 'B']);
    const phone = await connectClient(server.running.wsUrl as string);
    try {
      const receipts = receiptCollector(phone, 'classroom');
      await receipts.subscribe();
      await phone.publishAsync('classroom/votes/ws', jsonVote('phone-vote-1', 'B', 'phone-1', undefined, clientIdOf(phone)), { qos: 1 });
      await receipts.waitFor(1);
      expect(receipts.byId.get('phone-vote-1')).toEqual([{ status: 'counted' }]);
    } finally {
      await closeClient(phone);
    }
  });

  it('refuses to change anything with a method other than GET outside the API', async () => {
    const response = await fetch(`${server.running.httpUrl}/vote`, { method: 'POST' });
    expect(response.status).toBe(405);
  });
});

describe('/config.json with the defaults', () => {
  it('gives wsUrl null (same host, /mqtt) and no credentials', async () => {
    const server = await startTestServer();
    try {
      const config = await (await fetch(`${server.running.httpUrl}/config.json`)).json();
      expect(config).toEqual({ wsUrl: null, prefix: 'classroom', voteTopic: null, breadTopic: 'pain/cuisson', serverTime: expect.any(Number) });
    } finally {
      await server.dispose();
    }
  });
});

describe('/config.json publicUrl (where the kiosk QR code points)', () => {
  const base = loadServerEnv({ env: { HTTP_PORT: '8080' }, dotenvPath: null });
  const topics = createTopics();

  it('defaults to the LAN address, so a kiosk opened at localhost still shows a code phones can use', () => {
    expect(browserConfig(base, topics, () => '192.168.1.20').publicUrl).toBe('http://192.168.1.20:8080');
    expect(browserConfig(base, topics, () => null).publicUrl).toBeUndefined();
  });

  it('takes PUBLIC_URL as given, and says nothing when bound to one address only', () => {
    const set = loadServerEnv({ env: { HTTP_PORT: '8080', PUBLIC_URL: 'https://vote.ecole.example/' }, dotenvPath: null });
    expect(browserConfig(set, topics, () => '192.168.1.20').publicUrl).toBe('https://vote.ecole.example');
    const local = loadServerEnv({ env: { HTTP_PORT: '8080', HTTP_HOST: '127.0.0.1' }, dotenvPath: null });
    expect(browserConfig(local, topics, () => '192.168.1.20').publicUrl).toBeUndefined();
  });
});

describe('an HTTP server given by the caller (httpServerOverride)', () => {
  it('gets the pages, the API and the broker WebSocket, and is left to its owner on stop', async () => {
    const own = createServer();
    await new Promise<void>((resolve) => own.listen(0, '127.0.0.1', resolve));
    const port = (own.address() as AddressInfo).port;
    const server = await startTestServer({}, { httpServerOverride: own });
    try {
      expect(server.running.httpPort).toBe(port);
      expect((await fetch(`http://127.0.0.1:${port}/config.json`)).status).toBe(200);
      const phone = await connectClient(`ws://127.0.0.1:${port}/mqtt`);
      await closeClient(phone);
    } finally {
      await server.dispose();
    }
    expect(own.listening).toBe(true);
    await new Promise((resolve) => own.close(resolve));
  });
});
