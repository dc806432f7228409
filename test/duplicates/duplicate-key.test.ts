import { duplicateKey } from '../../src/subgraphs/city/person/person.names';

describe('duplicateKey: transliteration variants meet, different names do not', () => {
  const same: Array<[[string, string], [string, string]]> = [
    [
      ['Mohammed', 'Al-Hassan'],
      ['Muhammad', 'Alhasan'],
    ],
    [
      ['Mohamad', 'Al Hassan'],
      ['Mohammed', 'El-Hassan'],
    ],
    [
      ['Abdul Rahman', 'Khalil'],
      ['Abd al-Rahman', 'Khalil'],
    ],
    [
      ['Abdelrahman', 'Khalil'],
      ['Abd ar-Rahman', 'Khalil'],
    ],
    [
      ['Abdurrahman', 'Khalil'],
      ['Abdulrahman', 'Khalil'],
    ],
    [
      ['Abdullah', 'Saleh'],
      ['Abd Allah', 'Saleh'],
    ],
    [
      ['Abdellatif', 'Omar'],
      ['Abdul Latif', 'Umar'],
    ],
    [
      ['Ibrahim', 'Osman'],
      ['Ebrahim', 'Usman'],
    ],
    // Word order of a compound family name, and name fields swapped by an office.
    [
      ['Fatima', 'Al-Sayed Haddad'],
      ['Fatma', 'Haddad Alsayed'],
    ],
    [
      ['Hassan', 'Mahmoud'],
      ['Mahmud', 'Hasan'],
    ],
    [
      ['Jürgen', 'Müller'],
      ['Juergen', 'Mueller'],
    ],
  ];
  it.each(same)('%j and %j share a key', (a, b) => {
    expect(duplicateKey(...a)).toBe(duplicateKey(...b));
  });

  const different: Array<[[string, string], [string, string]]> = [
    [
      ['Mohammed', 'Al-Hassan'],
      ['Mohammed', 'Al-Husseini'],
    ],
    [
      ['Abdul Rahman', 'Khalil'],
      ['Abdul Karim', 'Khalil'],
    ],
    [
      ['Amal', 'Haddad'],
      ['Amal', 'Haddad Saleh'],
    ],
    [
      ['Samira', 'Yousef'],
      ['Samir', 'Yousef'],
    ],
  ];
  it.each(different)('%j and %j do not', (a, b) => {
    expect(duplicateKey(...a)).not.toBe(duplicateKey(...b));
  });
});
