/**
 * Quiz names: a phone's nickname and a box's team share one namespace per lesson,
 * compared without case and Unicode form, so `Zoé` and `zoe\u0301` are one name.
 */
export const MIN_NAME_LENGTH = 2;
export const MAX_NAME_LENGTH = 20;

export type PlayerKind = 'player' | 'team';

export interface PlayerName {
  readonly name: string;
  readonly kind: PlayerKind;
}

/** Trims and normalises a name; the problem in words, or null when it is fine. */
export function nameProblem(raw: unknown): string | null {
  if (typeof raw !== 'string') return 'a name is text';
  const name = cleanName(raw);
  const length = [...name].length;
  if (length < MIN_NAME_LENGTH || length > MAX_NAME_LENGTH) return `a name is ${MIN_NAME_LENGTH} to ${MAX_NAME_LENGTH} characters`;
  // Control characters and line breaks would break the kiosk's list and the CSV.
  if (/[\p{Cc}\p{Cf}\u2028\u2029]/u.test(name)) return 'a name cannot hold control characters or line breaks';
  return null;
}

/** The name as shown: NFC, inner runs of spaces collapsed, ends trimmed. */
export function cleanName(raw: string): string {
  return raw.normalize('NFC').replace(/\s+/gu, ' ').trim();
}

/** What makes two names the same name. */
export function nameKey(name: string): string {
  return cleanName(name).normalize('NFD').replace(/\p{M}/gu, '').toLocaleLowerCase('und');
}

/**
 * Who each voter is in the lesson: its nickname (unique already, the hub checks at
 * claim), else the team its votes carry. A team belongs to the first voter whose
 * vote carried it (claims in arrival order) unless a nickname holds that name; a
 * later voter claiming it stays unnamed, so no one can score for someone else's team.
 */
export function resolveNames(nicknames: ReadonlyMap<string, string>, teamClaims: readonly { voter: string; team: string }[]): Map<string, PlayerName> {
  const names = new Map<string, PlayerName>();
  const taken = new Map<string, string>();
  for (const [voter, name] of nicknames) {
    names.set(voter, { name, kind: 'player' });
    taken.set(nameKey(name), voter);
  }
  for (const { voter, team } of teamClaims) {
    if (names.has(voter) || nameProblem(team) !== null) continue;
    const key = nameKey(team);
    const owner = taken.get(key);
    if (owner !== undefined && owner !== voter) continue;
    taken.set(key, voter);
    names.set(voter, { name: cleanName(team), kind: 'team' });
  }
  return names;
}
