import { Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EmbeddedBroker } from '../../../server/broker/embedded-broker.js';
import type { Logger } from '../../../runtime/logger.js';
import { closeClient, connectClient } from '../../harness/mqtt.js';
import { until } from '../../harness/wait.js';

/**
 * Issue 17 round 3 (press to screen): the embedded broker's MQTT/TCP connections
 * have Nagle off, as the deployed Mosquitto's (`set_tcp_nodelay true`). With it on,
 * a vote written to the hub's link right after the PUBACK of a snapshot waited for
 * the link's delayed ACK: +22 ms p50 at 100 presses/s in the bench's stages.
 */
const quiet: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined, child: () => quiet } as unknown as Logger;

const stops: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const stop of stops.reverse()) await stop();
  stops.length = 0;
});

describe('the embedded broker over TCP', () => {
  it('turns Nagle off on every connection it accepts', async () => {
    const calls: { port: number | undefined; enable: boolean | undefined }[] = [];
    const setNoDelay = Socket.prototype.setNoDelay;
    vi.spyOn(Socket.prototype, 'setNoDelay').mockImplementation(function (this: Socket, enable?: boolean) {
      calls.push({ port: this.localPort, enable });
      return setNoDelay.call(this, enable);
    });
    const broker = new EmbeddedBroker({ host: '127.0.0.1', mqttPort: 0, wsPort: 0, logger: quiet });
    await broker.start();
    stops.push(() => broker.stop());
    const client = await connectClient(`mqtt://127.0.0.1:${broker.mqttPort}`, { clean: true });
    stops.push(() => closeClient(client));
    // The broker's end of the connection: its local port is the broker's.
    await until(() => calls.some((c) => c.port === broker.mqttPort), 'the broker to set up the connection it accepted');
    expect(calls.filter((c) => c.port === broker.mqttPort).map((c) => c.enable)).toEqual([true]);
  });
});
