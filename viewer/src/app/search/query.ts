/**
 * The search box's language: `u 12`, `unit 12` or `#12` jumps to a unit;
 * `i 345`, `img 345` or `image 345` to an image; anything else matches class
 * (and layer) names, fuzzily and case-insensitively. A bare number offers both
 * the unit and the image of that index.
 */

export type Query =
  | { kind: "unit"; index: number }
  | { kind: "image"; index: number }
  | { kind: "number"; index: number }
  | { kind: "text"; text: string }
  | { kind: "empty" };

const UNIT = /^(?:#|u(?:nit)?\s*[#:]?)\s*(\d+)$/i;
const IMAGE = /^(?:i(?:ma?ge?)?|img)\s*[#:]?\s*(\d+)$/i;
const NUMBER = /^\d+$/;

export function parseQuery(input: string): Query {
  const text = input.trim();
  if (text === "") return { kind: "empty" };
  let m = UNIT.exec(text);
  if (m) return { kind: "unit", index: Number(m[1]) };
  m = IMAGE.exec(text);
  if (m) return { kind: "image", index: Number(m[1]) };
  if (NUMBER.test(text)) return { kind: "number", index: Number(text) };
  return { kind: "text", text };
}

/** How well `name` matches `query` (both compared case-insensitively); null for no match. Higher is better. */
export function matchScore(query: string, name: string): number | null {
  const q = query.trim().toLowerCase();
  const n = name.toLowerCase();
  if (q === "") return null;
  if (n === q) return 1000;
  if (n.startsWith(q)) return 800 - Math.min(n.length - q.length, 100);
  const at = n.indexOf(q);
  if (at >= 0) {
    // A match at the start of a word ("sea" in "sea lion", "lion" in "sea lion") beats one inside a word.
    return (isWordStart(n, at) ? 600 : 400) - Math.min(at, 100);
  }
  // Subsequence: every query character in order, in runs of adjacent characters. Accepted when
  // every run starts a word ("sl" in "sea lion"), or when it starts at a word and skips at most
  // two characters in all (a typo: "gldfish" in "goldfish").
  let pos = 0;
  let skipped = 0;
  let runs = 0;
  let inWord = 0;
  let last = -1;
  for (const ch of q) {
    if (/\s/.test(ch)) continue;
    const found = n.indexOf(ch, pos);
    if (found < 0) return null;
    if (last < 0 || found !== last + 1) {
      if (last >= 0) skipped += found - last - 1;
      runs++;
      if (!isWordStart(n, found)) inWord++;
    }
    last = found;
    pos = found + 1;
  }
  const firstAtWord = inWord === 0 || isWordStart(n, n.indexOf(q.replace(/\s/g, "")[0]));
  if (inWord > 0 && !(firstAtWord && skipped <= 2)) return null;
  return 200 - Math.min((runs - 1) * 10 + skipped, 199);
}

function isWordStart(name: string, at: number): boolean {
  return at === 0 || !/[\p{L}\p{N}]/u.test(name[at - 1]);
}

export interface Match {
  index: number;
  name: string;
  score: number;
}

/** Names matching `query`, best first (ties by shorter name, then lower index), at most `limit`. */
export function rankNames(query: string, names: readonly string[], limit = 8): Match[] {
  const out: Match[] = [];
  names.forEach((name, index) => {
    const score = matchScore(query, name);
    if (score !== null) out.push({ index, name, score });
  });
  out.sort((a, b) => b.score - a.score || a.name.length - b.name.length || a.index - b.index);
  return out.slice(0, limit);
}
