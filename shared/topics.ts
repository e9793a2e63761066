import { InvalidIdError } from './errors/invalid-id-error.js';
import { assertId, isValidId } from './ids.js';

export const DEFAULT_PREFIX = 'classroom';
export const BREAD_TOPIC = 'pain/cuisson';
export const BREAD_TEMPERATURE_TOPIC = 'pain/cuisson/temperature';
export const HOME_ASSISTANT_PREFIX = 'homeassistant';

/** Every topic of the protocol, built from one prefix. */
export interface Topics {
  readonly prefix: string;
  poll(pollId: string): string;
  readonly allPolls: string;
  votes(pollId: string): string;
  readonly allVotes: string;
  tally(pollId: string): string;
  readonly allTallies: string;
  receipts(voter: string): string;
  readonly allReceipts: string;
  deviceStatus(deviceId: string): string;
  readonly allDeviceStatus: string;
  /** Retained device-info (shared/codecs/device-info.ts): the room at a glance. */
  deviceInfo(deviceId: string): string;
  readonly allDeviceInfo: string;
  deviceButton(deviceId: string, button: string): string;
  chat(name: string): string;
  readonly allChat: string;
  /** The quiz leaderboard the kiosk shows (retained, server only; names and scores, no answers). */
  readonly leaderboard: string;
  readonly bread: string;
  readonly breadTemperature: string;
  /** Retained by the hub: when the current bake started (shared/codecs/bread-history.ts). */
  readonly breadBake: string;
}

/** What a topic means, as parsed by `parseTopic`. */
export type ParsedTopic =
  | { kind: 'poll'; pollId: string }
  | { kind: 'votes'; pollId: string }
  | { kind: 'tally'; pollId: string }
  | { kind: 'receipts'; voter: string }
  | { kind: 'device-status'; deviceId: string }
  | { kind: 'device-info'; deviceId: string }
  | { kind: 'device-button'; deviceId: string; button: string }
  | { kind: 'chat'; name: string }
  | { kind: 'leaderboard' }
  | { kind: 'bread' }
  | { kind: 'bread-temperature' }
  | { kind: 'bread-bake' };

/** Checks a topic prefix: one or more levels, no wildcards, no empty level. */
export function assertPrefix(prefix: string): string {
  if (prefix.length === 0) throw new InvalidIdError('topic prefix', prefix, 'it must not be empty');
  for (const level of prefix.split('/')) {
    try {
      assertId('topic prefix level', level);
    } catch (error) {
      const problem = error instanceof InvalidIdError ? error.problem : String(error);
      throw new InvalidIdError('topic prefix', prefix, `level ${JSON.stringify(level)}: ${problem}`);
    }
  }
  return prefix;
}

export interface TopicOptions {
  prefix?: string;
  bread?: string;
  breadTemperature?: string;
}

export function createTopics(options: TopicOptions = {}): Topics {
  const prefix = assertPrefix(options.prefix ?? DEFAULT_PREFIX);
  const bread = options.bread ?? BREAD_TOPIC;
  const breadTemperature = options.breadTemperature ?? `${bread}/temperature`;
  return Object.freeze({
    prefix,
    poll: (pollId: string) => `${prefix}/polls/${assertId('poll id', pollId)}`,
    allPolls: `${prefix}/polls/+`,
    votes: (pollId: string) => `${prefix}/votes/${assertId('poll id', pollId)}`,
    allVotes: `${prefix}/votes/+`,
    tally: (pollId: string) => `${prefix}/tally/${assertId('poll id', pollId)}`,
    allTallies: `${prefix}/tally/+`,
    receipts: (voter: string) => `${prefix}/receipts/${assertId('voter id', voter)}`,
    allReceipts: `${prefix}/receipts/+`,
    deviceStatus: (deviceId: string) => `${prefix}/devices/${assertId('device id', deviceId)}/status`,
    allDeviceStatus: `${prefix}/devices/+/status`,
    deviceInfo: (deviceId: string) => `${prefix}/devices/${assertId('device id', deviceId)}/info`,
    allDeviceInfo: `${prefix}/devices/+/info`,
    deviceButton: (deviceId: string, button: string) =>
      `${prefix}/devices/${assertId('device id', deviceId)}/buttons/${assertId('button id', button)}`,
    chat: (name: string) => `${prefix}/chat/${assertId('chat name', name)}`,
    allChat: `${prefix}/chat/+`,
    leaderboard: `${prefix}/leaderboard`,
    bread,
    breadTemperature,
    breadBake: `${prefix}/bread/bake`,
  });
}

/**
 * Reads a concrete topic back into its meaning; null for a topic that is not part
 * of the protocol or whose id would not be accepted when building it.
 */
export function parseTopic(topics: Topics, topic: string): ParsedTopic | null {
  if (topic === topics.bread) return { kind: 'bread' };
  if (topic === topics.breadTemperature) return { kind: 'bread-temperature' };
  if (topic === topics.leaderboard) return { kind: 'leaderboard' };
  const head = `${topics.prefix}/`;
  if (!topic.startsWith(head)) return null;
  const rest = topic.slice(head.length).split('/');
  const [family, id, sub, subId] = rest;
  if (id === undefined || !isValidId(id)) return null;
  if (rest.length === 2) {
    switch (family) {
      case 'polls':
        return { kind: 'poll', pollId: id };
      case 'votes':
        return { kind: 'votes', pollId: id };
      case 'tally':
        return { kind: 'tally', pollId: id };
      case 'receipts':
        return { kind: 'receipts', voter: id };
      case 'chat':
        return { kind: 'chat', name: id };
      case 'bread':
        return id === 'bake' ? { kind: 'bread-bake' } : null;
      default:
        return null;
    }
  }
  if (family !== 'devices') return null;
  if (rest.length === 3 && sub === 'status') return { kind: 'device-status', deviceId: id };
  if (rest.length === 3 && sub === 'info') return { kind: 'device-info', deviceId: id };
  if (rest.length === 4 && sub === 'buttons' && subId !== undefined && isValidId(subId)) {
    return { kind: 'device-button', deviceId: id, button: subId };
  }
  return null;
}

