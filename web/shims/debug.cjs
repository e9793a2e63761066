// mqtt-packet logs through `debug` (called as `require('debug')(name)`,
// hence CommonJS); the pages have nothing to print it to.
module.exports = function debug() {
  const log = () => {};
  log.enabled = false;
  return log;
};
