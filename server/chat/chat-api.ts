import type { ServerResponse } from 'node:http';
import { AdminRequestError } from '../errors/admin-request-error.js';
import { sendJson } from '../http/security-headers.js';
import type { ChatHistory } from './chat-history.js';

/** The public read: `GET /api/chat/history`, the one `/api/` path without the admin token. */
export const CHAT_HISTORY_PATH = '/api/chat/history';

/** `GET /api/chat/history`: what any chat visitor may read (it was said in the open). */
export function sendChatHistory(res: ServerResponse, history: ChatHistory): void {
  sendJson(res, 200, history.view());
}

/**
 * The teacher's chat endpoints, behind the admin token (docs/server.md):
 * `POST /api/chat/clear`, `POST /api/chat/mute/<name>`, `POST /api/chat/unmute/<name>`.
 * `parts` are the path levels after `/api/chat/`, decoded.
 */
export function handleChatAdmin(res: ServerResponse, method: string, parts: readonly string[], history: ChatHistory): void {
  const [action, name, extra] = parts;
  if (extra !== undefined) throw new AdminRequestError(404, 'no such chat endpoint (clear, mute/<name>, unmute/<name>, history)');
  if (action === 'history' && name === undefined) {
    if (method !== 'GET') throw new AdminRequestError(405, 'use GET here');
    sendChatHistory(res, history);
    return;
  }
  if (method !== 'POST') throw new AdminRequestError(405, 'use POST here');
  if (action === 'clear' && name === undefined) {
    sendJson(res, 200, { cleared: history.clear() });
    return;
  }
  if ((action === 'mute' || action === 'unmute') && name !== undefined && name !== '') {
    if (action === 'mute') sendJson(res, 200, { muted: name, removed: history.mute(name) });
    else sendJson(res, 200, { unmuted: name, wasMuted: history.unmute(name) });
    return;
  }
  throw new AdminRequestError(404, 'no such chat endpoint (clear, mute/<name>, unmute/<name>, history)');
}
