import type { IncomingMessage, ServerResponse } from 'node:http';
import { AdminRequestError } from '../errors/admin-request-error.js';
import type { BreadKeeper } from '../room/bread-keeper.js';
import type { RoomSnapshot, RoomState } from '../room/room-state.js';
import { sendJson } from './security-headers.js';

/** The public read of the bake: bread is readable by anyone (SPEC §8), so is its curve. */
export const BREAD_HISTORY_PATH = '/api/bread/history';

export interface RoomApi {
  readonly state: RoomState;
  readonly bread: BreadKeeper;
}

/** `GET /api/bread/history`: the current bake's readings (shared/codecs/bread-history.ts). */
export function sendBreadHistory(res: ServerResponse, room: RoomApi): void {
  sendJson(res, 200, room.bread.history());
}

/**
 * The teacher's room endpoints, behind the admin token or session (docs/server.md):
 * `GET /api/room` (a snapshot), `GET /api/room/events` (server-sent events: the
 * snapshot now, then again at each change; nobody polls), `POST /api/bread/new-bake`.
 * `family` is `room` or `bread`; `parts` are the levels after it.
 */
export function routeRoom(req: IncomingMessage, res: ServerResponse, family: 'room' | 'bread', parts: readonly string[], room: RoomApi): void {
  const method = req.method ?? 'GET';
  const path = parts.join('/');
  if (family === 'room' && path === '') {
    allow(method, 'GET');
    sendJson(res, 200, room.state.snapshot());
    return;
  }
  if (family === 'room' && path === 'events') {
    allow(method, 'GET');
    streamRoom(req, res, room.state);
    return;
  }
  if (family === 'bread' && path === 'new-bake') {
    allow(method, 'POST');
    sendJson(res, 200, room.bread.newBake());
    return;
  }
  throw new AdminRequestError(404, `no such endpoint: /api/${family}/${path} (room, room/events, bread/new-bake, bread/history)`);
}

function streamRoom(req: IncomingMessage, res: ServerResponse, state: RoomState): void {
  res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
  const send = (snapshot: RoomSnapshot) => {
    res.write(`data: ${JSON.stringify(snapshot)}\n\n`);
  };
  send(state.snapshot());
  const unwatch = state.watch(send, () => res.end());
  req.on('close', unwatch);
  res.on('close', unwatch);
}

function allow(method: string, expected: string): void {
  if (method !== expected) throw new AdminRequestError(405, `use ${expected} here`);
}
