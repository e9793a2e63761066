import type { AdminEnv } from '../runtime/env.js';
import { readSavedToken } from './admin-token.js';
import { AdminApiError, MissingAdminTokenError, ServerUnreachableError } from './errors/admin-errors.js';
import type { ServerStatus } from './index.js';
import type { ExportFormat } from './polls/export.js';
import type { LessonDraft } from '../shared/lesson.js';
import type { BreadHistory } from '../shared/codecs/bread-history.js';
import type { LessonSummary } from './polls/lesson-service.js';
import type { NewPoll, PollSummary } from './polls/poll-service.js';

export interface AdminClientContext {
  /** The server's base URL (SERVER_URL), e.g. http://127.0.0.1:8080. */
  serverUrl: string;
  token: string;
  fetch?: typeof fetch;
}

/**
 * The admin HTTP API from the other side: what `mqtt-classroom poll ...` uses.
 * Errors come back as classes with a message a person can act on.
 */
export class AdminClient {
  private readonly base: string;
  private readonly fetch: typeof fetch;

  constructor(private readonly ctx: AdminClientContext) {
    this.base = ctx.serverUrl.replace(/\/+$/, '');
    this.fetch = ctx.fetch ?? globalThis.fetch;
  }

  async listPolls(): Promise<PollSummary[]> {
    return ((await this.json('GET', '/api/polls')) as { polls: PollSummary[] }).polls;
  }

  async createPoll(poll: NewPoll): Promise<PollSummary> {
    return (await this.json('POST', '/api/polls', poll)) as PollSummary;
  }

  async openPoll(id: string): Promise<PollSummary> {
    return (await this.json('POST', `/api/polls/${encodeURIComponent(id)}/open`)) as PollSummary;
  }

  async closePoll(id: string): Promise<PollSummary> {
    return (await this.json('POST', `/api/polls/${encodeURIComponent(id)}/close`)) as PollSummary;
  }

  async resetPoll(id: string): Promise<PollSummary> {
    return (await this.json('POST', `/api/polls/${encodeURIComponent(id)}/reset`)) as PollSummary;
  }

  /** Reveals the poll's correct answer (`correct` sets it first); the poll is closed first. */
  async revealPoll(id: string, correct?: string): Promise<PollSummary> {
    const query = correct === undefined ? '' : `?${new URLSearchParams({ correct })}`;
    return (await this.json('POST', `/api/polls/${encodeURIComponent(id)}/reveal${query}`)) as PollSummary;
  }

  /** The results as CSV or JSON text; `round` is `current`, `all` or a number. */
  async exportResults(id: string, format: ExportFormat, round: string = 'current'): Promise<string> {
    const query = new URLSearchParams({ format, round });
    const response = await this.request('GET', `/api/polls/${encodeURIComponent(id)}/export?${query}`);
    return response.text();
  }

  /** An online backup made by the running server, in its DATA_DIR/backups. */
  async backup(): Promise<{ file: string; bytes: number; at: number }> {
    return (await this.json('POST', '/api/backup')) as { file: string; bytes: number; at: number };
  }

  /** Empties the hub's chat history; returns how many messages it forgot. */
  async clearChat(): Promise<number> {
    return ((await this.json('POST', '/api/chat/clear')) as { cleared: number }).cleared;
  }

  /** Mutes (or with `false` unmutes) a chat name; returns how many of its messages left the history. */
  async muteChat(name: string, mute = true): Promise<number> {
    const answer = (await this.json('POST', `/api/chat/${mute ? 'mute' : 'unmute'}/${encodeURIComponent(name)}`)) as { removed?: number };
    return answer.removed ?? 0;
  }

  async listLessons(): Promise<LessonSummary[]> {
    return ((await this.json('GET', '/api/lessons')) as { lessons: LessonSummary[] }).lessons;
  }

  async importLesson(lesson: LessonDraft): Promise<LessonSummary> {
    return (await this.json('POST', '/api/lessons', lesson)) as LessonSummary;
  }

  async stepLesson(id: string, step: 'next' | 'previous'): Promise<LessonSummary> {
    return (await this.json('POST', `/api/lessons/${encodeURIComponent(id)}/${step}`)) as LessonSummary;
  }

  /** The lesson as a file to import again: CSV or JSON text. */
  async exportLesson(id: string, format: ExportFormat): Promise<string> {
    return (await this.request('GET', `/api/lessons/${encodeURIComponent(id)}/export.${format}`)).text();
  }

  /** A new one-time sign-in link to the teacher's page. */
  /** A quiz's per-student table (CSV or JSON). */
  async exportQuiz(id: string, format: ExportFormat): Promise<string> {
    return (await this.request('GET', `/api/quiz/${encodeURIComponent(id)}/export.${format}`)).text();
  }

  /** Shows (or hides) the quiz's leaderboard on the kiosk. */
  async showLeaderboard(id: string, shown: boolean): Promise<unknown> {
    return this.json('POST', `/api/quiz/${encodeURIComponent(id)}/leaderboard${shown ? '' : '?shown=false'}`);
  }

  async signInLink(): Promise<{ url: string; expiresAt: number }> {
    return (await this.json('POST', '/api/signin-link')) as { url: string; expiresAt: number };
  }

  /** Starts a new bake: the hub forgets the bread readings so far. */
  async newBake(): Promise<BreadHistory> {
    return (await this.json('POST', '/api/bread/new-bake')) as BreadHistory;
  }

  async status(): Promise<ServerStatus> {
    return (await this.json('GET', '/api/status')) as ServerStatus;
  }

  private async json(method: string, path: string, body?: unknown): Promise<unknown> {
    return (await this.request(method, path, body)).json();
  }

  private async request(method: string, path: string, body?: unknown): Promise<Response> {
    let response: Response;
    try {
      response = await this.fetch(`${this.base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.ctx.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      throw new ServerUnreachableError(this.base, { cause: error });
    }
    if (response.ok) return response;
    let message = `the server answered ${response.status}`;
    try {
      const { error } = (await response.json()) as { error?: string };
      if (typeof error === 'string') message = error;
    } catch {
      // not JSON: keep the status
    }
    if (response.status === 401) {
      message = `The server refused the admin token: set ADMIN_TOKEN in .env to the token the server uses (${message}).`;
    }
    throw new AdminApiError(response.status, message);
  }
}

/** An admin client from the environment: SERVER_URL, and ADMIN_TOKEN or the token saved in DATA_DIR. */
export function adminClientFromConfig(config: AdminEnv, overrides: { serverUrl?: string } = {}): AdminClient {
  const token = config.adminToken ?? readSavedToken(config.dataDir);
  if (token === null) throw new MissingAdminTokenError(config.dataDir);
  return new AdminClient({ serverUrl: overrides.serverUrl ?? config.serverUrl, token });
}
