// The slice of Node's EventEmitter that mqtt-packet's parser and generator use
// (on, emit): the `events` package is 6 KB of a page for the same two methods.
export class EventEmitter {
  constructor() {
    this._listeners = {};
  }

  on(name, listener) {
    (this._listeners[name] ??= []).push(listener);
    return this;
  }

  emit(name, ...args) {
    const listeners = this._listeners[name];
    if (listeners === undefined || listeners.length === 0) {
      if (name === 'error') throw args[0];
      return false;
    }
    for (const listener of [...listeners]) listener.apply(this, args);
    return true;
  }
}
export default EventEmitter;
