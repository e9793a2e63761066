/**
 * What makes the teacher's page follow the room without asking (SPEC §7: nobody
 * polls): it reads the retained polls and tally topics over its MQTT link, which
 * anonymous clients may read (docs/protocol.md). A poll message that differs from
 * the last one seen for that poll (opened, closed, hidden, a countdown, a new or
 * removed poll) asks for one refresh of the admin API's lists — coalesced by
 * ProfData, so a burst of retained messages on connect costs one or two reads. A
 * tally message moves the bars directly; it asks for a read only for a poll the
 * page has neither read nor seen a poll message of. Each (re)connect asks for one read too: what changed
 * while the link was down (a poll deleted) sends no message afterwards.
 */
import { parseTopic, type Topics } from '../../shared/topics.js';
import type { MqttLink } from './connection.js';
import type { ProfData } from './prof-data.js';

/** The part of the page's MQTT link this needs (a fake one in tests). */
export type LiveLink = Pick<MqttLink, 'subscribe' | 'onConnect' | 'onMessage'>;

export interface LiveDeps {
  readonly link: LiveLink;
  readonly topics: Topics;
  readonly data: Pick<ProfData, 'takeTally'>;
  /** Reads the lists again (the page reports errors and a lost session). */
  readonly refresh: () => void;
  /** False while signed out: messages then ask for nothing (a read would only answer 401). */
  readonly active: () => boolean;
}

export function followLive(deps: LiveDeps): void {
  const { link, topics } = deps;
  // The last payload seen per poll, as text: the same retained copy again (a reconnect) changes nothing.
  const seen = new Map<string, string>();
  const decoder = new TextDecoder();
  const ask = () => {
    if (deps.active()) deps.refresh();
  };
  link.subscribe([topics.allPolls, topics.allTallies]);
  link.onConnect(ask);
  link.onMessage((topic, payload) => {
    const parsed = parseTopic(topics, topic);
    if (parsed?.kind === 'poll') {
      const text = decoder.decode(payload);
      const before = seen.get(parsed.pollId);
      if (text === '') seen.delete(parsed.pollId);
      else seen.set(parsed.pollId, text);
      if (text !== (before ?? '')) ask();
    } else if (parsed?.kind === 'tally') {
      // A tally for a poll not read yet whose poll message has not come either (it would have asked already).
      if (deps.data.takeTally(parsed.pollId, payload) === 'unknown' && !seen.has(parsed.pollId)) ask();
    }
  });
}
