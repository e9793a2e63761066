/**
 * MQTT topic filter matching, as a broker does it (MQTT 3.1.1 §4.7): `+` is one
 * level, `#` is the rest (including the parent itself: `a/#` matches `a`), and a
 * filter that starts with a wildcard never matches a `$` topic such as `$SYS/...`
 * (§4.7.2). The device, the server's access rules and the tests all use this one.
 *
 * Our own rather than `mqtt-match`: that library ignores the `$` rule, and the
 * access rules depend on it (`#` must not grant `$SYS`).
 */
export function topicMatches(filter: string, topic: string): boolean {
  if (topic.startsWith('$') && startsWithWildcard(filter)) return false;
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i += 1) {
    const level = f[i];
    if (level === '#') return true;
    if (i >= t.length) return false;
    if (level !== '+' && level !== t[i]) return false;
  }
  return f.length === t.length;
}

/** True when some concrete topic matches both filters. */
export function filtersOverlap(a: string, b: string): boolean {
  if ((a.startsWith('$') && startsWithWildcard(b)) || (b.startsWith('$') && startsWithWildcard(a))) return false;
  const x = a.split('/');
  const y = b.split('/');
  const shared = Math.min(x.length, y.length);
  for (let i = 0; i < shared; i += 1) {
    if (x[i] === '#' || y[i] === '#') return true;
    if (x[i] === '+' || y[i] === '+' || x[i] === y[i]) continue;
    return false;
  }
  if (x.length === y.length) return true;
  // `a/#` also matches `a`: the longer one may end with a lone `#`.
  const longer = x.length > y.length ? x : y;
  return longer.length === shared + 1 && longer[shared] === '#';
}

function startsWithWildcard(filter: string): boolean {
  return filter.startsWith('+') || filter.startsWith('#');
}
