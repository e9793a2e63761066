/**
 * The teacher's page talks to the admin API with its session cookie (HttpOnly:
 * this code never sees it). The browser adds Origin and Sec-Fetch-Site, which
 * the server checks on every change.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text === '' ? null : JSON.parse(text);
  } catch {
    parsed = null;
  }
  if (!response.ok) {
    const error = (parsed as { error?: unknown } | null)?.error;
    throw new ApiError(response.status, typeof error === 'string' ? error : `HTTP ${response.status}`);
  }
  return parsed as T;
}

/** The one-time token of a printed sign-in link (`/prof#signin=…`), removed from the address bar at once. */
export function takeSignInToken(): string | null {
  const match = /^#signin=([A-Za-z0-9_-]{8,200})$/.exec(location.hash);
  if (match === null) return null;
  history.replaceState(null, '', location.pathname + location.search);
  return match[1] ?? null;
}
