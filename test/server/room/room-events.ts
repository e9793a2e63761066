import type { RoomSnapshot } from '../../../server/room/room-state.js';
import { until } from '../../harness/wait.js';

/** `GET /api/room/events` read as a browser's EventSource would: every snapshot pushed, in order. */
export interface RoomEvents {
  readonly snapshots: readonly RoomSnapshot[];
  /** Resolves with the first snapshot (already seen or to come) that passes `test`. */
  waitFor(test: (room: RoomSnapshot) => boolean, what: string, timeoutMs?: number): Promise<RoomSnapshot>;
  close(): void;
}

export async function roomEvents(httpUrl: string, token: string): Promise<RoomEvents> {
  const abort = new AbortController();
  const response = await fetch(`${httpUrl}/api/room/events`, { headers: { authorization: `Bearer ${token}` }, signal: abort.signal });
  if (response.status !== 200 || response.body === null) throw new Error(`/api/room/events answered ${response.status}`);
  const snapshots: RoomSnapshot[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  void (async () => {
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const event = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = event.split('\n').filter((line) => line.startsWith('data: ')).map((line) => line.slice(6)).join('\n');
          if (data !== '') snapshots.push(JSON.parse(data) as RoomSnapshot);
        }
      }
    } catch {
      // closed by close()
    }
  })();
  return {
    snapshots,
    async waitFor(test, what, timeoutMs = 20_000) {
      let found: RoomSnapshot | undefined;
      await until(() => (found = snapshots.find(test)) !== undefined, what, { timeout: timeoutMs, interval: 20, detail: () => JSON.stringify(snapshots.at(-1)) });
      return found as RoomSnapshot;
    },
    close: () => abort.abort(),
  };
}
