import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_NAME_LENGTH, cleanName, nameKey, nameProblem, resolveNames } from '../../../shared/quiz/names.js';

describe('quiz names', () => {
  it.each([
    ['Zoé', null],
    ['  Ali   Baba ', null],
    ['A', 'a name is 2 to 20 characters'],
    ['x'.repeat(MAX_NAME_LENGTH + 1), 'a name is 2 to 20 characters'],
    ['Bad\u0000name', 'a name cannot hold control characters or line breaks'],
    ['Bi\u200Bdi', 'a name cannot hold control characters or line breaks'],
    [42, 'a name is text'],
  ])('%j: %s', (name, problem) => {
    expect(nameProblem(name)).toBe(problem);
  });

  it('one name whatever its case, accents written apart or spaces', () => {
    expect(nameKey('Zoé')).toBe(nameKey('ZOE\u0301'));
    expect(nameKey(' zoe ')).toBe(nameKey('Zoé'));
    expect(cleanName('  Ali   Baba ')).toBe('Ali Baba');
  });

  it('a nickname beats a team of the same name; a team belongs to the first voter that carried it', () => {
    const names = resolveNames(new Map([['phone-1', 'Rouges']]), [
      { voter: 'box-a', team: 'rouges' },
      { voter: 'box-b', team: 'Bleus' },
      { voter: 'box-c', team: 'BLEUS' },
      { voter: 'box-b', team: 'Bleus' },
    ]);
    expect(Object.fromEntries(names)).toEqual({ 'phone-1': { name: 'Rouges', kind: 'player' }, 'box-b': { name: 'Bleus', kind: 'team' } });
  });

  it('no two voters ever share a name (property)', () => {
    const name = fc.constantFrom('Ali', 'ali', 'Zoé', 'ZOE\u0301', 'Bleus', 'bleus ', 'x');
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(fc.constantFrom('u1', 'u2', 'u3'), name), { selector: ([v]) => v }), fc.array(fc.record({ voter: fc.constantFrom('u1', 'b1', 'b2', 'b3'), team: name })), (nicks, teams) => {
        const held = new Map<string, string>();
        const nicknames = new Map<string, string>();
        for (const [voter, n] of nicks) {
          // The hub refuses a nickname that is taken or invalid at claim: model that.
          if (nameProblem(n) !== null || held.has(nameKey(n))) continue;
          held.set(nameKey(n), voter);
          nicknames.set(voter, n);
        }
        const keys = [...resolveNames(nicknames, teams).values()].map((p) => nameKey(p.name));
        expect(new Set(keys).size).toBe(keys.length);
      }),
    );
  });
});
