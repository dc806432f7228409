import { searchNames, searchTerms } from '../../src/subgraphs/city/person/person.names';

/**
 * The name search's test (person.search.ts) in memory: every query word must match a stored form,
 * by prefix or by skeleton.
 */
function finds(query: string, names: string[]): boolean {
  const stored = searchNames(names);
  return searchTerms(query).every((t) => stored.some((n) => n.startsWith(t.prefix) || n === t.skeleton));
}

describe('name search: "Abd al-" names find their other spellings', () => {
  const spellings: string[][] = [
    ['Abd al-Rahman', 'Khalil'],
    ['Abdul Rahman', 'Khalil'],
    ['Abdulrahman', 'Khalil'],
    ['Abdelrahman', 'Khalil'],
    ['Abdurrahman', 'Khalil'],
    ['Abd ar-Rahman', 'Khalil'],
    // The prefix as given name, the rest as family name.
    ['Abdul', 'Rahman Khalil'],
  ];
  const queries = ['Abd al-Rahman', 'Abdul Rahman', 'Abdulrahman', 'Abdelrahman', 'Abdurrahman', 'Abdul Rahman Khalil'];
  it.each(queries)('%s finds every spelling', (query) => {
    for (const names of spellings) expect([names, finds(query, names)]).toEqual([names, true]);
  });

  it('keeps what it found before: prefixes and the other words', () => {
    expect(finds('Abd', ['Abdullah', 'Hassan'])).toBe(true);
    expect(finds('Abd Hassan', ['Abdullah', 'Hassan'])).toBe(true);
    expect(finds('Abdo Hassan', ['Abdo', 'Hassan'])).toBe(true);
    expect(finds('Mohamad', ['Mohammed', 'Abdallah'])).toBe(true);
    expect(finds('Abdullah', ['Mohammed', 'Abdallah'])).toBe(true);
    expect(finds('Al-Hassan', ['Mohammed', 'Al-Hassan'])).toBe(true);
  });

  it('does not find other names', () => {
    expect(finds('Abdul Karim', ['Abd al-Rahman', 'Khalil'])).toBe(false);
    expect(finds('Abdulkarim', ['Abdul Rahman', 'Khalil'])).toBe(false);
    expect(finds('Rahman', ['Abdul Karim', 'Khalil'])).toBe(false);
  });
});
