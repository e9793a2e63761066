import type { Component } from '../../runtime/lifecycle.js';
import type { Logger } from '../../runtime/logger.js';
import { packageVersion } from '../../runtime/package-info.js';
import type { Scheduler } from '../../shared/scheduler.js';
import { encodeBakeStart } from '../../shared/codecs/bread-history.js';
import type { Topics } from '../../shared/topics.js';
import type { EmbeddedBroker } from '../broker/embedded-broker.js';
import type { RoomApi } from '../http/room-api.js';
import type { HubLink } from '../mqtt/mqtt-link.js';
import { BreadKeeper } from '../room/bread-keeper.js';
import { RoomState } from '../room/room-state.js';
import { BreadStore } from '../store/bread-store.js';
import type { Db } from '../store/database.js';
import type { StoreHealth } from '../store/store-health.js';

export interface RoomSide extends RoomApi, Component {
  /** What the server link subscribes to and hands over. */
  readonly link: { readonly filters: readonly string[]; handle(topic: string, payload: Buffer, retained: boolean): void };
  /** Once the embedded broker runs: its connects and disconnects refresh the phone count. */
  watchBroker(broker: EmbeddedBroker | null): void;
}

/** The room view and the bake's store, over the vote core's database. */
export function createRoomSide(ctx: {
  db: Db;
  topics: Topics;
  scheduler: Scheduler;
  logger: Logger;
  embedded: boolean;
  link: () => HubLink;
  health: StoreHealth;
  broker: () => EmbeddedBroker | null;
}): RoomSide {
  const bread = new BreadKeeper({
    store: new BreadStore(ctx.db),
    topics: ctx.topics,
    clock: ctx.scheduler,
    logger: ctx.logger.child('bread'),
    onChange: () => state.changed(),
    announce: (startedAt) => ctx.link().publish(ctx.topics.breadBake, encodeBakeStart(startedAt), { qos: 1, retain: true }),
  });
  const state: RoomState = new RoomState({
    topics: ctx.topics,
    scheduler: ctx.scheduler,
    bread,
    health: () => ({
      broker: { kind: ctx.embedded ? 'embedded' : 'external', connected: ctx.link().connected },
      hub: { version: packageVersion(), storing: ctx.health.status.storing, failedCommits: ctx.health.status.failedCommits },
    }),
    publicSessions: ctx.embedded ? () => ctx.broker()?.publicSessions ?? 0 : null,
  });
  return {
    name: 'room view',
    start: () => undefined,
    state,
    bread,
    link: { filters: state.filters(!ctx.embedded), handle: (topic, payload, retained) => state.handle(topic, payload, retained) },
    watchBroker(broker) {
      if (broker === null) return;
      const changed = () => state.changed();
      broker.broker.on('client', changed);
      broker.broker.on('clientDisconnect', changed);
    },
    stop: () => state.stop(),
  };
}
