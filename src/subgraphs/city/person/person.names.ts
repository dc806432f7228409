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

/**
 * Articles that offices write apart, hyphenated or glued to the name ("Al-Hassan", "Al Hassan",
 * "Alhasan"): dropped from the duplicate key, as standalone words only (glued ones see below).
 */
const ARTICLES = new Set(['al', 'el', 'ul', 'ar', 'as', 'ad', 'at', 'az', 'an', 'ash']);
/** "Abd", "Abdul", "Abdel", "Abdur", "Abdoul", …: the first half of a theophoric name. */
const ABD = /^abd(?:u|ou|o|e|a)?(?:l|r|s|d|t|n|z)?$/;

/**
 * The key two records of one person share when offices transliterated the names differently:
 * given and family names as one bag of skeletons (order-free, so compound family names and
 * swapped name fields meet), with "Abd al-"/"Abdul"/"Abdel" joined to the following word and the
 * article "al-"/"el-" dropped. Coarse on purpose: it only ever raises a suspicion for a person to
 * review, and only together with the same birth date.
 */
export function duplicateKey(givenName: string, familyName: string): string {
  const words = foldName(`${givenName} ${familyName}`).split(' ').filter(Boolean);
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    let w = words[i];
    if (ABD.test(w) && i + 1 < words.length) {
      // "Abd al-Rahman", "Abdul Rahman": one name, glued with any article in between.
      while (i + 1 < words.length && ARTICLES.has(words[i + 1]) && i + 2 < words.length) w += words[++i];
      w += words[++i];
    } else if (ARTICLES.has(w) && i + 1 < words.length) {
      continue;
    }
    out.push(wordKey(w));
  }
  return out.sort().join(' ');
}

function wordKey(word: string): string {
  const w = word
    // A glued article before a consonant ("alhasan", "elhassan"), or assimilated ("arrashid").
    .replace(/^[ae]l(?=[^aeiou].{2})/, '')
    .replace(/^[ae]([tdrszn])\1(?=.{2})/, '$1');
  const skeleton = nameSkeleton(w)
    // The article inside "Abd al-…" ("abdlrmn" → "abdrmn"), however it was written.
    .replace(/^abdl(?=.)/, 'abd');
  // Initial vowels vary between transliterations (Osman/Usman, Ibrahim/Ebrahim); whether a name
  // ends in a vowel does not (Samir/Samira, Hassan/Husseini), once a final "h" is set aside.
  const open = /[aeiouy]h?$/.test(w) ? '_' : '';
  return skeleton.replace(/^[aeiou]/, 'a') + open;
}
