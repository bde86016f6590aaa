/**
 * Helps a message name what the author probably meant: the closest known name, or the known names.
 */

const MAX_CANDIDATES = 500;

/** Edit distance between two strings (insertions, deletions, substitutions), case-insensitive. */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  if (s === t) return 0;
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const cur = [i];
    for (let j = 1; j <= t.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (s[i - 1] === t[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[t.length]!;
}

/** The candidate closest to `name` when it is close enough to be a likely typo, else undefined. */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  // Bounded so that a hostile process (thousands of activities, each with a bad transition) stays linear-ish:
  // long names and long candidate lists get no "did you mean".
  if (name.length > 200 || candidates.length > MAX_CANDIDATES) return undefined;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    if (c.length > 200) continue;
    const d = editDistance(name, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  const allowed = Math.max(2, Math.floor(name.length / 3));
  return bestDistance <= allowed ? best : undefined;
}

/**
 * A clause for a message: `; did you mean 'X'?` when one name is close, else `; known: 'A', 'B', …`
 * (at most `max` names), else an empty string when there are none.
 */
export function suggestion(name: string, candidates: readonly string[], what = 'known', max = 10): string {
  const close = closestName(name, candidates);
  if (close !== undefined) return `; did you mean '${close}'?`;
  if (candidates.length === 0) return '';
  const shown = candidates.slice(0, max).map((c) => `'${c}'`).join(', ');
  return `; ${what}: ${shown}${candidates.length > max ? `, … (${candidates.length - max} more)` : ''}`;
}

/**
 * The candidates nearest to `name`, best first, at most `max`: the same name in another case, names that contain it
 * or that it contains (`Onboarding` → `User_Onboarding`), and names within typo distance. Empty when none is near.
 */
export function nearestNames(name: string, candidates: readonly string[], max = 3): string[] {
  if (name.length > 200 || candidates.length > MAX_CANDIDATES * 4) return [];
  const wanted = name.toLowerCase();
  const allowed = Math.max(2, Math.floor(name.length / 3));
  const scored: { name: string; score: number }[] = [];
  for (const c of new Set(candidates)) {
    if (c.length > 200) continue;
    const lower = c.toLowerCase();
    const d = editDistance(wanted, lower);
    // Containment ranks after any typo-distance match but before nothing: a part of a name is a good hint.
    const contained = wanted.length >= 3 && (lower.includes(wanted) || wanted.includes(lower)) ? allowed + 1 : Infinity;
    const score = Math.min(d <= allowed ? d : Infinity, contained);
    if (score !== Infinity) scored.push({ name: c, score });
  }
  return scored
    .sort((a, b) => a.score - b.score || a.name.localeCompare(b.name))
    .slice(0, max)
    .map((s) => s.name);
}

/**
 * A clause for a "not found" message: `; did you mean 'A' or 'B'?` for the nearest names, else `; <what>: 'A', 'B', …`
 * listing up to `max` of them, else empty.
 */
export function didYouMean(name: string, candidates: readonly string[], what = 'known', max = 10): string {
  const near = nearestNames(name, candidates);
  if (near.length > 0) return `; did you mean ${orList(near.map((n) => `'${n}'`))}?`;
  if (candidates.length === 0) return '';
  const sorted = [...new Set(candidates)].sort((a, b) => a.localeCompare(b));
  const shown = sorted.slice(0, max).map((c) => `'${c}'`).join(', ');
  return `; ${what}: ${shown}${sorted.length > max ? `, … (${sorted.length - max} more)` : ''}`;
}

function orList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}
