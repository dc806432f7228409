/**
 * Countries of origin of the demo population and what follows from them: share of the population,
 * household shapes, arrival periods, languages, legal track and asylum outcomes. The weights are
 * plausible for a town like Rheine (Syrians the largest refugee group, many Ukrainians since 2022,
 * labour migrants from Romania and Poland, long-settled Turkish families), not official figures.
 */
import type { OriginCode } from './demo-names';
import type { Random, Weighted } from './demo-random';

export type HouseholdType = 'single' | 'couple' | 'family' | 'single_parent' | 'mother_with_children';

/** Legal track: asylum procedure, temporary protection (§ 24 AufenthG), EU free movement, residence permits. */
export type Track = 'protection' | 'temporary' | 'eu' | 'permit';

export type AsylumOutcome =
  'recognised_refugee' | 'subsidiary_protection' | 'entitled_to_asylum' | 'deportation_ban' | 'rejected';

export interface OriginProfile {
  code: OriginCode;
  weight: number;
  track: Track;
  households: Weighted<HouseholdType>;
  /** Share of men among single-person households. */
  singleMale: number;
  /** Arrival periods [from, to] with weights. */
  arrivals: Weighted<readonly [string, string]>;
  /** The household's languages (ISO 639-1), first language first. */
  languages: (rng: Random) => string[];
  outcomes?: Weighted<AsylumOutcome>;
  /** Share of households in the asylum procedure although the origin's track is another (Turkey). */
  asylumShare?: number;
  asylumArrivals?: Weighted<readonly [string, string]>;
}

const ARABIC_OR_KURDISH = (kurdish: number) => (rng: Random) => (rng.chance(kurdish) ? ['ku', 'ar'] : ['ar']);

export const ORIGINS: OriginProfile[] = [
  {
    code: 'SY',
    weight: 28,
    track: 'protection',
    households: [
      ['single', 25],
      ['couple', 8],
      ['family', 58],
      ['single_parent', 9],
    ],
    singleMale: 0.85,
    arrivals: [
      [['2014-03-01', '2014-12-31'], 8],
      [['2015-01-01', '2016-06-30'], 45],
      [['2016-07-01', '2017-12-31'], 15],
      [['2018-01-01', '2021-12-31'], 12],
      [['2022-01-01', '2024-12-31'], 15],
      [['2025-01-01', '2026-09-30'], 5],
    ],
    languages: ARABIC_OR_KURDISH(0.15),
    outcomes: [
      ['recognised_refugee', 50],
      ['subsidiary_protection', 42],
      ['entitled_to_asylum', 3],
      ['deportation_ban', 3],
      ['rejected', 2],
    ],
  },
  {
    code: 'UA',
    weight: 18,
    track: 'temporary',
    households: [
      ['single', 20],
      ['couple', 12],
      ['family', 18],
      ['mother_with_children', 50],
    ],
    singleMale: 0.3,
    arrivals: [
      [['2022-03-01', '2022-12-31'], 60],
      [['2023-01-01', '2024-12-31'], 28],
      [['2025-01-01', '2026-09-30'], 12],
    ],
    languages: (rng) =>
      rng.weighted<string[]>([
        [['uk', 'ru'], 55],
        [['uk'], 35],
        [['ru', 'uk'], 10],
      ]),
  },
  {
    code: 'AF',
    weight: 11,
    track: 'protection',
    households: [
      ['single', 40],
      ['couple', 6],
      ['family', 44],
      ['single_parent', 10],
    ],
    singleMale: 0.92,
    arrivals: [
      [['2015-06-01', '2016-12-31'], 35],
      [['2017-01-01', '2021-06-30'], 15],
      [['2021-08-15', '2023-12-31'], 35],
      [['2024-01-01', '2026-09-30'], 15],
    ],
    languages: (rng) =>
      rng.weighted<string[]>([
        [['fa'], 70],
        [['ps', 'fa'], 18],
        [['ps'], 12],
      ]),
    outcomes: [
      ['recognised_refugee', 30],
      ['subsidiary_protection', 12],
      ['deportation_ban', 30],
      ['rejected', 28],
    ],
  },
  {
    code: 'IQ',
    weight: 10,
    track: 'protection',
    households: [
      ['single', 25],
      ['couple', 8],
      ['family', 57],
      ['single_parent', 10],
    ],
    singleMale: 0.8,
    arrivals: [
      [['2014-08-01', '2017-06-30'], 55],
      [['2017-07-01', '2021-12-31'], 25],
      [['2022-01-01', '2026-09-30'], 20],
    ],
    languages: ARABIC_OR_KURDISH(0.4),
    outcomes: [
      ['recognised_refugee', 40],
      ['subsidiary_protection', 12],
      ['deportation_ban', 8],
      ['rejected', 40],
    ],
  },
  {
    code: 'RO',
    weight: 10,
    track: 'eu',
    households: [
      ['single', 40],
      ['couple', 20],
      ['family', 35],
      ['single_parent', 5],
    ],
    singleMale: 0.75,
    arrivals: [
      [['2007-01-01', '2013-12-31'], 15],
      [['2014-01-01', '2019-12-31'], 40],
      [['2020-01-01', '2026-09-30'], 45],
    ],
    languages: () => ['ro'],
  },
  {
    code: 'TR',
    weight: 9,
    track: 'permit',
    households: [
      ['single', 25],
      ['couple', 20],
      ['family', 50],
      ['single_parent', 5],
    ],
    singleMale: 0.7,
    arrivals: [
      [['1998-01-01', '2012-12-31'], 30],
      [['2013-01-01', '2021-12-31'], 40],
      [['2022-01-01', '2026-09-30'], 30],
    ],
    languages: (rng) => (rng.chance(0.2) ? ['tr', 'ku'] : ['tr']),
    outcomes: [
      ['recognised_refugee', 20],
      ['subsidiary_protection', 2],
      ['deportation_ban', 3],
      ['rejected', 75],
    ],
    asylumShare: 0.15,
    asylumArrivals: [[['2019-01-01', '2026-09-30'], 1]],
  },
  {
    code: 'PL',
    weight: 7,
    track: 'eu',
    households: [
      ['single', 40],
      ['couple', 25],
      ['family', 30],
      ['single_parent', 5],
    ],
    singleMale: 0.65,
    arrivals: [
      [['2004-05-01', '2011-04-30'], 20],
      [['2011-05-01', '2019-12-31'], 45],
      [['2020-01-01', '2026-09-30'], 35],
    ],
    languages: () => ['pl'],
  },
  {
    code: 'ER',
    weight: 7,
    track: 'protection',
    households: [
      ['single', 55],
      ['couple', 12],
      ['family', 25],
      ['single_parent', 8],
    ],
    singleMale: 0.6,
    arrivals: [
      [['2014-01-01', '2016-12-31'], 40],
      [['2017-01-01', '2021-12-31'], 30],
      [['2022-01-01', '2026-09-30'], 30],
    ],
    languages: (rng) => (rng.chance(0.2) ? ['ti', 'ar'] : ['ti']),
    outcomes: [
      ['recognised_refugee', 60],
      ['subsidiary_protection', 30],
      ['deportation_ban', 5],
      ['rejected', 5],
    ],
  },
];

/** Origins of former unaccompanied minors (eUMA). */
export const UMA_ORIGINS: Weighted<OriginCode> = [
  ['AF', 5],
  ['SY', 2],
  ['ER', 2],
  ['IQ', 1],
];

export const EU_MEMBERS: ReadonlySet<string> = new Set(['RO', 'PL']);

export function originProfile(code: OriginCode): OriginProfile {
  return ORIGINS.find((o) => o.code === code)!;
}
