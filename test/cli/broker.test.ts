import { describe, expect, it } from 'vitest';
import { serverPasswordOf } from '../../cli/commands/broker.js';
import { main } from '../../cli/main.js';
import { loadBrokerEnv } from '../../runtime/env.js';

async function run(env: NodeJS.ProcessEnv, ...argv: string[]) {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t), env });
  return { code, out, err };
}

describe('mqtt-classroom broker (cli/commands/broker.ts)', () => {
  it('is listed, and its --help says where the accounts come from', async () => {
    expect((await run({}, '--help')).out).toMatch(/^ {2}broker\b/m);
    const { code, out } = await run({}, 'broker', '--help');
    expect(code).toBe(0);
    for (const text of ['--cluster <redis-url>', '--mqtt-port', '--http-port', 'SERVER_MQTT_PASSWORD', 'DEVICE_ACCOUNTS']) expect(out).toContain(text);
  });

  it('needs --cluster', async () => {
    const { code, err } = await run({}, 'broker');
    expect(code).not.toBe(0);
    expect(err).toContain("required option '--cluster <redis-url>' not specified");
  });

  it('refuses a URL that is not redis:// and a port that is not one, before touching the network', async () => {
    const url = await run({}, 'broker', '--cluster', 'mqtt://10.0.0.5:1883');
    expect(url.code).toBe(2);
    expect(url.err).toContain('--cluster: use a redis:// or rediss:// URL');
    const port = await run({}, 'broker', '--cluster', 'redis://127.0.0.1:6379', '--mqtt-port', 'abc');
    expect(port.code).toBe(2);
    expect(port.err).toContain('--mqtt-port: must be a port number 0..65535');
  });

  it("knows the hub's password from SERVER_MQTT_PASSWORD, else from the hub's own MQTT_USERNAME/MQTT_PASSWORD", () => {
    const config = (env: Record<string, string>) => loadBrokerEnv({ env, dotenvPath: null });
    expect(serverPasswordOf(config({ SERVER_MQTT_PASSWORD: 'one' }))).toBe('one');
    expect(serverPasswordOf(config({ SERVER_MQTT_PASSWORD: 'one', MQTT_USERNAME: 'classroom-server', MQTT_PASSWORD: 'two' }))).toBe('one');
    expect(serverPasswordOf(config({ MQTT_USERNAME: 'classroom-server', MQTT_PASSWORD: 'two' }))).toBe('two');
    expect(serverPasswordOf(config({ MQTT_USERNAME: 'box-1', MQTT_PASSWORD: 'three' }))).toBeNull();
    expect(serverPasswordOf(config({}))).toBeNull();
  });
});
