/**
 * What `POST /api/player/me` and `POST /api/player/nickname` answer a phone in a
 * quiz (docs/protocol.md, "Quiz identity"): what it learns of itself, and nothing of
 * anyone else but how many are ranked. The hub makes it, the vote page reads it.
 */
export interface PlayerView {
  readonly lesson: string;
  readonly title: string;
  readonly nickname: string | null;
  readonly score: number;
  readonly rank: number | null;
  readonly players: number;
  readonly scored: number;
  readonly questions: number;
}
