/** A box of buttons is a quiz team: its config's `team` rides on every vote and press it stores (issue 16). */
import { describe, expect, it } from 'vitest';
import { parseDeviceConfig } from '../../device/config.js';
import type { NewEntry } from '../../device/outbox/sqlite-store.js';
import { VoteMaker } from '../../device/votes.js';
import { decodeVote } from '../../shared/codecs/vote.js';
import { createTopics } from '../../shared/topics.js';
import { captureLogger } from './helpers/logs.js';

function maker(team: string | null, known: boolean) {
  const stored: NewEntry[] = [];
  const votes = new VoteMaker({
    voter: 'dev-secret-1',
    reply: 'mqtt-classroom-device-box-1',
    topics: createTopics(),
    outbox: { add: (e) => stored.push(e) > 0, whenStored: (fn: () => void) => fn() },
    polls: { known: () => (known ? { id: 'q1', options: [{ id: 'A', label: 'A' }, { id: 'B', label: 'B' }] } : null) },
    fixedPollId: null,
    team,
    clock: { now: () => 1_000 },
    logger: captureLogger().logger,
    onQueued: () => undefined,
    newId: () => `id-${stored.length + 1}`,
  });
  return { votes, stored };
}

describe('a box team', () => {
  it('is carried on its votes and its unresolved presses, and read back by the hub', () => {
    for (const known of [true, false]) {
      const { votes, stored } = maker('Les Rouges', known);
      votes.vote('1', { vote: 2 }, 'button');
      const decoded = decodeVote(stored[0]?.payload ?? '', { receivedAt: 0 });
      expect(decoded.ok && decoded.value.team).toBe('Les Rouges');
    }
    const { votes, stored } = maker(null, true);
    votes.vote('1', { vote: 1 }, 'button');
    expect(JSON.parse(stored[0]?.payload ?? '{}')).not.toHaveProperty('team');
  });

  it('is checked in device.json and on the wire', () => {
    expect(parseDeviceConfig({ deviceId: 'box-1', team: 'Les Rouges', inputs: [{ type: 'keyboard', buttons: 2 }] }).team).toBe('Les Rouges');
    expect(parseDeviceConfig({ deviceId: 'box-1', inputs: [{ type: 'keyboard', buttons: 2 }] }).team).toBeNull();
    expect(() => parseDeviceConfig({ deviceId: 'box-1', team: 'R', inputs: [{ type: 'keyboard', buttons: 2 }] })).toThrow(/team/);
    expect(decodeVote(JSON.stringify({ id: 'v1', option: 'A', voter: 's', team: 'x\n' }), { receivedAt: 0 })).toMatchObject({ ok: false, reason: 'bad-type' });
    expect(decodeVote(JSON.stringify({ id: 'v1', option: 'A', voter: 's', team: '  Les   Bleus ' }), { receivedAt: 0 })).toMatchObject({ ok: true, value: { team: 'Les Bleus' } });
  });
});
