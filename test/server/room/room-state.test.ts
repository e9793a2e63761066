import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../runtime/logger.js';
import { BreadKeeper } from '../../../server/room/bread-keeper.js';
import { RoomState, SYS_CLIENTS_CONNECTED } from '../../../server/room/room-state.js';
import { BreadStore } from '../../../server/store/bread-store.js';
import { openDatabase } from '../../../server/store/database.js';
import { encodeDeviceInfo } from '../../../shared/codecs/device-info.js';
import { createTopics } from '../../../shared/topics.js';
import { ManualScheduler } from '../../harness/manual-scheduler.js';

const topics = createTopics();

function setUp(options: { maxReadings?: number; maxAgeMs?: number; publicSessions?: () => number } = {}) {
  const db = openDatabase(':memory:');
  const scheduler = new ManualScheduler();
  const store = new BreadStore(db, options);
  const announced: number[] = [];
  const bread = new BreadKeeper({ store, topics, clock: scheduler, logger: silentLogger, onChange: () => room.changed(), announce: (at) => announced.push(at) });
  const room: RoomState = new RoomState({
    topics,
    scheduler,
    bread,
    health: () => ({ broker: { kind: 'external', connected: true }, hub: { version: 'test', storing: true, failedCommits: 0 } }),
    publicSessions: options.publicSessions ?? null,
  });
  const hear = (topic: string, payload: string, retained = false) => room.handle(topic, Buffer.from(payload), retained);
  return { db, scheduler, store, bread, room, hear, announced };
}

describe('the bread readings table (server/store/bread-store.ts)', () => {
  it('stays bounded: the last N readings, none older than the age limit', () => {
    const { store, scheduler, hear } = setUp({ maxReadings: 10, maxAgeMs: 60_000 });
    for (let i = 0; i < 25; i += 1) {
      hear(topics.breadTemperature, String(20 + i));
      scheduler.advance(1_000);
    }
    expect(store.count()).toBe(10);
    expect(store.history().readings.map(([, c]) => c)).toEqual([35, 36, 37, 38, 39, 40, 41, 42, 43, 44]);
    scheduler.advance(120_000);
    hear(topics.breadTemperature, '50');
    expect(store.history().readings.map(([, c]) => c)).toEqual([50]);
  });

  it('a retained copy equal to the last reading is not a new reading; a new bake empties the table', () => {
    const { store, hear, bread, scheduler, announced } = setUp();
    // The hub's first start started the first bake.
    expect(store.startedAt()).toBe(scheduler.now());
    expect(announced).toEqual([]);
    hear(topics.breadTemperature, '30');
    hear(topics.breadTemperature, '30', true);
    hear(topics.breadTemperature, '31', true);
    expect(store.history().readings.map(([, c]) => c)).toEqual([30, 31]);
    scheduler.advance(5_000);
    const fresh = bread.newBake();
    expect(fresh).toEqual({ startedAt: scheduler.now(), state: null, readings: [] });
    expect(announced.at(-1)).toBe(scheduler.now());
    expect(store.count()).toBe(0);
  });
});

describe('the room view (server/room/room-state.ts)', () => {
  it('tracks status and info per device, not the hub itself, and tells watchers once per burst', () => {
    const { room, hear, scheduler } = setUp();
    const seen: number[] = [];
    room.watch((r) => seen.push(r.devices.length));
    hear(topics.deviceStatus('box-1'), 'online');
    hear(topics.deviceInfo('box-1'), encodeDeviceInfo({ version: '1', inputs: [], sensors: [], outbox: 2, lastActivity: null, at: 1 }));
    hear(topics.deviceStatus('classroom-server'), 'online');
    hear(topics.deviceStatus('box-2'), 'offline', true);
    scheduler.advance(1_000);
    expect(seen).toEqual([2]);
    const [one, two] = room.snapshot().devices;
    expect(one).toMatchObject({ id: 'box-1', status: 'online', lastSeen: expect.any(Number), info: { outbox: 2 } });
    // Known only from the broker's retained copy: when it was last seen is not known.
    expect(two).toMatchObject({ id: 'box-2', status: 'offline', lastSeen: null, info: null });
  });

  it('tells the first change at once, the next ones at most every 200 ms with the latest state, and ends the watchers on stop', () => {
    const { room, hear, scheduler } = setUp();
    const seen: string[] = [];
    let ended = 0;
    room.watch(
      (r) => seen.push(r.devices.map((d) => d.status).join()),
      () => (ended += 1),
    );
    hear(topics.deviceStatus('box-1'), 'online');
    scheduler.advance(0);
    expect(seen).toEqual(['online']);
    scheduler.advance(50);
    hear(topics.deviceStatus('box-1'), 'offline');
    hear(topics.deviceStatus('box-1'), 'online');
    scheduler.advance(100);
    expect(seen).toEqual(['online']);
    hear(topics.deviceStatus('box-1'), 'offline');
    scheduler.advance(50);
    expect(seen).toEqual(['online', 'offline']);
    room.stop();
    expect(ended).toBe(1);
  });

  it("counts phones from Mosquitto's $SYS (minus the hub's two sessions and the online devices), or from the embedded broker", () => {
    const { room, hear } = setUp();
    expect(room.snapshot().phones).toBeNull();
    hear(topics.deviceStatus('box-1'), 'online');
    hear(SYS_CLIENTS_CONNECTED, '7');
    // 7 minus the hub's link and its retain janitor, minus the online device.
    expect(room.snapshot().phones).toBe(4);
    expect(setUp({ publicSessions: () => 12 }).room.snapshot().phones).toBe(12);
  });

  it('shows the bread state and temperature', () => {
    const { room, hear } = setUp();
    hear(topics.bread, 'cuisson');
    hear(topics.breadTemperature, '61.5');
    expect(room.snapshot().bread).toMatchObject({ state: 'cuisson', celsius: 61.5 });
  });
});
