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

/**
 * Every searchable form of a person's names: folded words and their skeletons. "Abd al-…" names
 * also get the forms their other spellings search by (abdForms): Abd al-Rahman, Abdul Rahman,
 * Abdelrahman and Abdurrahman find each other.
 */
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
  // Across given and family name too: "Abdul" may be the given name and "Rahman" the family name.
  for (const form of abdForms(foldName(names.join(' ')).split(' ').filter(Boolean))) out.add(form);
  return [...out];
}

/**
 * Search terms for a query string: each word as a prefix of a folded name or of a skeleton. An
 * article right after "Abd" belongs to the name ("Abd al-Rahman"), and an Abd word searches by its
 * Abd skeleton (abdForms).
 */
export function searchTerms(query: string): Array<{ prefix: string; skeleton: string }> {
  const words = foldName(query).split(' ').filter(Boolean);
  return words
    .filter((w, i) => !(i > 0 && ABD.test(words[i - 1]) && ARTICLES.has(w) && i + 1 < words.length))
    .map((w) => ({ prefix: w, skeleton: `~${abdWordSkeleton(w) ?? nameSkeleton(w)}` }));
}

/**
 * The extra searchable forms of Abd names. "Abd", "Abdul", "Abdel", … alone search as `~abd`; a
 * joined name ("abdulrahman") also by its Abd skeleton without the article ("~abdrmn"), and as
 * the prefix and the name after it ("~abd", "rahman"); words written apart ("abd al rahman") also
 * joined.
 */
function abdForms(words: string[]): string[] {
  const out: string[] = [];
  const joined = joinAbd(words);
  for (const w of [...words, ...joined]) {
    if (ABD.test(w)) out.push('~abd');
    else if (isAbd(w)) {
      out.push(w, `~${abdSkeleton(w)}`);
      const rest = ABD_JOINED.exec(w)?.[1];
      if (rest) out.push('~abd', rest, `~${nameSkeleton(rest)}`);
    }
  }
  return out;
}

/** The skeleton an Abd word searches by, or undefined for other words. */
function abdWordSkeleton(word: string): string | undefined {
  if (ABD.test(word)) return 'abd';
  return isAbd(word) ? abdSkeleton(word) : undefined;
}

/**
 * Articles that offices write apart, hyphenated or glued to the name ("Al-Hassan", "Al Hassan",
 * "Alhasan"): dropped from the duplicate key, as standalone words only (glued ones see below).
 */
const ARTICLES = new Set(['al', 'el', 'ul', 'ar', 'as', 'ad', 'at', 'az', 'an', 'ash']);
/** "Abd", "Abdul", "Abdel", "Abdur", "Abdoul", …: the first half of a theophoric name. */
const ABD = /^abd(?:u|ou|o|e|a)?(?:l|r|s|d|t|n|z)?$/;
/** The name after the Abd prefix in a joined word ("abdulrahman" → "rahman"). */
const ABD_JOINED = /^abd(?:u|ou|o|e|a)?(?:l|r|s|d|t|n|z)?([a-z]{3,})$/;

/**
 * The key two records of one person share when offices transliterated the names differently:
 * given and family names as one bag of skeletons (order-free, so compound family names and
 * swapped name fields meet), with "Abd al-"/"Abdul"/"Abdel" joined to the following word and the
 * article "al-"/"el-" dropped. Coarse on purpose: it only ever raises a suspicion for a person to
 * review, and only together with the same birth date.
 */
export function duplicateKey(givenName: string, familyName: string): string {
  const words = joinAbd(foldName(`${givenName} ${familyName}`).split(' ').filter(Boolean));
  return words
    .filter((w, i) => !(ARTICLES.has(w) && i + 1 < words.length))
    .map(wordKey)
    .sort()
    .join(' ');
}

/** "Abd al-Rahman", "Abdul Rahman": one word, glued with any article in between; other words as they are. */
function joinAbd(words: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    let w = words[i];
    if (ABD.test(w) && i + 1 < words.length) {
      while (i + 2 < words.length && ARTICLES.has(words[i + 1])) w += words[++i];
      w += words[++i];
    }
    out.push(w);
  }
  return out;
}

const isAbd = (word: string) => word.startsWith('abd') && word.length > 3;

/** The skeleton of an Abd name without the article's "l" ("abdlrmn" → "abdrmn"), however it was written. */
function abdSkeleton(word: string): string {
  return nameSkeleton(word).replace(/^abdl(?=.)/, 'abd');
}

function wordKey(word: string): string {
  const w = word
    // A glued article before a consonant ("alhasan", "elhassan"), or assimilated ("arrashid").
    .replace(/^[ae]l(?=[^aeiou].{2})/, '')
    .replace(/^[ae]([tdrszn])\1(?=.{2})/, '$1');
  const skeleton = isAbd(w) ? abdSkeleton(w) : nameSkeleton(w);
  // Initial vowels vary between transliterations (Osman/Usman, Ibrahim/Ebrahim); whether a name
  // ends in a vowel does not (Samir/Samira, Hassan/Husseini), once a final "h" is set aside.
  const open = /[aeiouy]h?$/.test(w) ? '_' : '';
  return skeleton.replace(/^[aeiou]/, 'a') + open;
}
