// Bundled by test/scripts/build-device.test.ts as the device is: connects the
// agent's MqttConnection to the URL given, then says which of Node's modules
// MQTT.js loaded for it.
import { MqttConnection } from '../../../runtime/mqtt/connection.js';

const connection = new MqttConnection({ url: process.argv[2] ?? '', clientId: `bundle-probe-${process.pid}`, clean: true });
connection.start();
await connection.waitConnected(10_000);
const loaded = (process as unknown as { moduleLoadList: string[] }).moduleLoadList;
process.stdout.write(JSON.stringify({ connected: true, tls: loaded.includes('NativeModule tls'), zlib: loaded.includes('NativeModule zlib') }));
await connection.stop();
process.exit(0);
