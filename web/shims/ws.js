// The Node WebSocket library: MQTT.js uses the browser's own WebSocket instead.
export default {};
