import { type AddressInfo, type Server, createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { PortInUseError } from '../../runtime/errors/port-in-use-error.js';
import { listen } from '../../runtime/listen.js';

describe('listen', () => {
  const servers: Server[] = [];
  const server = (): Server => {
    const made = createServer();
    servers.push(made);
    return made;
  };
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => (s.listening ? s.close(resolve) : resolve(undefined)))));
  });

  it('resolves once the server listens, on the port asked for (0: one the system picks)', async () => {
    const first = server();
    await listen(first, { port: 0, host: '127.0.0.1', what: 'TEST_PORT' });
    expect(first.listening).toBe(true);
    expect((first.address() as AddressInfo).port).toBeGreaterThan(0);
  });

  it('turns a taken port into a PortInUseError naming the setting, and leaves no error listener behind', async () => {
    const taken = server();
    await listen(taken, { port: 0, host: '127.0.0.1', what: 'TEST_PORT' });
    const port = (taken.address() as AddressInfo).port;
    const second = server();
    const failure = listen(second, { port, host: '127.0.0.1', what: 'TEST_PORT' });
    await expect(failure).rejects.toThrow(PortInUseError);
    await expect(failure).rejects.toThrow(`Port ${port} (TEST_PORT) is already in use`);
    expect(second.listenerCount('error')).toBe(0);
    expect(taken.listenerCount('error')).toBe(0);
  });

  it('passes any other error on as it is', async () => {
    const failure = listen(server(), { port: 0, host: '203.0.113.1', what: 'TEST_PORT' });
    await expect(failure).rejects.toMatchObject({ code: 'EADDRNOTAVAIL' });
    await expect(failure).rejects.not.toThrow(PortInUseError);
  });
});
