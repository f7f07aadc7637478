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

/**
 * Path globs (VS Code's `workbench.editorAssociations` style): `**` any run including `/`, `*`
 * any run without `/`, `?` one character but `/`, case-insensitive. Two kinds of star defeat the
 * greedy matcher above, so this runs the pattern as a set of states over the text (Thompson's
 * construction): O(|pattern| · |text|), no backtracking whatever the pattern.
 */
export function pathGlobMatch(pattern: string, text: string): boolean {
  type Token = '**' | '*' | '?' | string;
  const tokens: Token[] = [];
  const p = pattern.toLowerCase();
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '*' && p[i + 1] === '*') {
      tokens.push('**');
      i++;
      if (p[i + 1] === '/') i++; // `**/` also matches no folder at all
    } else tokens.push(p[i] === '*' ? '*' : p[i] === '?' ? '?' : p[i]!);
  }
  const n = tokens.length;
  const isStar = (t: Token | undefined) => t === '*' || t === '**';
  let active = new Uint8Array(n + 1);
  const close = (set: Uint8Array) => { for (let i = 0; i < n; i++) if (set[i] && isStar(tokens[i])) set[i + 1] = 1; };
  active[0] = 1;
  close(active);
  const s = text.toLowerCase();
  for (const c of s) {
    const next = new Uint8Array(n + 1);
    let any = false;
    for (let i = 0; i < n; i++) {
      if (!active[i]) continue;
      const t = tokens[i]!;
      if (t === '**' || (t === '*' && c !== '/')) { next[i] = 1; any = true; } else if ((t === '?' && c !== '/') || t === c) { next[i + 1] = 1; any = true; }
    }
    if (!any) return false;
    close(next);
    active = next;
  }
  return active[n] === 1;
}
