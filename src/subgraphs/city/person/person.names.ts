/**
 * Name search that survives transliteration: "Mohammed", "Muhammad" and "Mohamad" are one
 * person's name written by different offices. Names are folded to lower-case ASCII and a
 * coarse skeleton (vowels and doubled letters dropped) so that variants meet.
 */
const FOLD: Record<string, string> = { ä: 'ae', ö: 'oe', ü: 'ue', ß: 'ss', æ: 'ae', ø: 'o', ł: 'l', ı: 'i', đ: 'd' };

export function foldName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[äöüßæøłıđ]/g, (c) => FOLD[c] ?? c)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9 ]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export function nameSkeleton(name: string): string {
  return foldName(name)
    .split(' ')
    .map(
      (w) =>
        w[0] +
        w
          .slice(1)
          .replace(/[aeiouyhw]/g, '')
          .replace(/(.)\1+/g, '$1'),
    )
    .join(' ');
}

/** Every searchable form of a person's names: folded words and their skeletons. */
export function searchNames(names: string[]): string[] {
  const out = new Set<string>();
  for (const n of names) {
    const folded = foldName(n);
    if (!folded) continue;
    for (const word of folded.split(' ')) {
      out.add(word);
      out.add(`~${nameSkeleton(word)}`);
    }
  }
  return [...out];
}

/** Search terms for a query string: each word as a prefix of a folded name or of a skeleton. */
export function searchTerms(query: string): Array<{ prefix: string; skeleton: string }> {
  return foldName(query)
    .split(' ')
    .filter(Boolean)
    .map((w) => ({ prefix: w, skeleton: `~${nameSkeleton(w)}` }));
}
