/** Where the server's messages go: its MQTT client, or a recorder in unit tests. */
export interface MqttLink {
  publish(topic: string, payload: string, options: { qos: 0 | 1; retain: boolean }): void;
}
