// MQTT.js uses lru-cache (20 KB) only for outgoing topic aliases, an MQTT 5
// feature the pages never turn on (they speak MQTT 3.1.1). This Map keeps the
// few methods it calls working, in insertion (least recently used first) order.
export class LRUCache {
  constructor(options) {
    this.max = options.max;
    this.map = new Map();
  }
  get(key) {
    const value = this.map.get(key);
    if (value !== undefined) {
      this.map.delete(key);
      this.map.set(key, value);
    }
    return value;
  }
  set(key, value) {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value);
    return this;
  }
  has(key) {
    return this.map.has(key);
  }
  delete(key) {
    return this.map.delete(key);
  }
  clear() {
    this.map.clear();
  }
  keys() {
    return this.map.keys();
  }
  get size() {
    return this.map.size;
  }
}
