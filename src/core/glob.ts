/**
 * The one glob matcher of pairing rules (workspace settings, so possibly hostile: untrusted
 * workspaces are supported). `*` matches any run of characters, everything else itself,
 * case-insensitively. No regular expression: a `.*` regex backtracks exponentially on a
 * many-star pattern (issue #9: 12 stars against a folder name ran 100 s on the host thread).
 * This greedy two-pointer match remembers only the last star, so it is O(|pattern| · |name|)
 * at worst and linear in the name for a fixed pattern.
 */
export function globMatch(pattern: string, name: string): boolean {
  const p = pattern.toLowerCase(), s = name.toLowerCase();
  let pi = 0, si = 0;
  let star = -1, resume = 0;
  while (si < s.length) {
    if (pi < p.length && p[pi] === '*') {
      star = pi++;
      resume = si;
    } else if (pi < p.length && p[pi] === s[si]) {
      pi++;
      si++;
    } else if (star >= 0) {
      // The last star takes one more character; earlier stars never need to change.
      pi = star + 1;
      si = ++resume;
    } else {
      return false;
    }
  }
  while (pi < p.length && p[pi] === '*') pi++;
  return pi === p.length;
}
