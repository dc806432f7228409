import type {
  IndicatorDefinition,
  IndicatorFigure,
  IndicatorReport,
  IndicatorResult,
} from '../../src/subgraphs/hub/indicator/indicator.model';

/**
 * A hand-made report for the renderers: every layout the page knows (a breakdown, a set's shares
 * in one chart, a duration, a figure without chart), suppressed figures, and labels that must be
 * escaped. Suppressed figures carry no numbers, as the engine returns them.
 */

const fig = (value: number, numerator: number | null, denominator: number | null): IndicatorFigure => ({
  value,
  numerator,
  denominator,
  suppressed: false,
});
const hidden: IndicatorFigure = { value: null, numerator: null, denominator: null, suppressed: true };

const result = (
  key: string,
  label: string,
  unit: IndicatorResult['unit'],
  figure: IndicatorFigure,
  extra: Partial<IndicatorResult> = {},
): IndicatorResult => ({ key, label, unit, ...figure, breakdown: [], min: null, max: null, ...extra });

/** A label the page must escape, not interpret. */
export const HOSTILE_LABEL = `Wohnen <script>alert("x")</script> & 'Umzug'`;

export const FIXTURE_DEFINITIONS: IndicatorDefinition[] = [
  {
    key: 'arrival.visits',
    offer: 'arrival_counselling',
    label: 'Durchgeführte Hausbesuche',
    unit: 'count',
    numerator: 'Hausbesuche mit Status „stattgefunden“',
    denominator: null,
    periodRule: 'Hausbesuche mit geplantem Termin im Zeitraum.',
    chart: 'none',
  },
  {
    key: 'arrival.visits_as_planned',
    offer: 'arrival_counselling',
    label: 'Hausbesuche wie geplant',
    unit: 'share',
    numerator: 'Hausbesuche, die wie geplant stattfanden',
    denominator: 'Abgeschlossene Hausbesuche',
    periodRule: 'Hausbesuche mit geplantem Termin im Zeitraum.',
    chart: 'bar',
  },
  {
    key: 'arrival.follow_up_in_time',
    offer: 'arrival_counselling',
    label: 'Kontakt zu Stadtteilbüro oder Schulplatzberatung binnen 2 Monaten',
    unit: 'share',
    numerator: 'Familien mit Kontakt binnen 2 Monaten',
    denominator: 'Familien mit durchgeführtem Hausbesuch',
    periodRule: 'Hausbesuche mit geplantem Termin im Zeitraum.',
    chart: 'bar',
  },
  {
    key: 'arrival.topics',
    offer: 'arrival_counselling',
    label: 'Themen der Hausbesuche',
    unit: 'share',
    numerator: 'Durchgeführte Hausbesuche mit dem Thema',
    denominator: 'Durchgeführte Hausbesuche',
    periodRule: 'Hausbesuche mit geplantem Termin im Zeitraum.',
    chart: 'bar',
    categories: [
      { key: 'language', label: 'Sprache' },
      { key: 'childcare', label: 'Kinderbetreuung' },
      { key: 'housing', label: HOSTILE_LABEL },
    ],
  },
  {
    key: 'cases.duration',
    offer: 'case_management',
    label: 'Dauer abgeschlossener Fälle',
    unit: 'months',
    numerator: 'Monate zwischen Eröffnung und Abschluss',
    denominator: null,
    periodRule: 'Fälle, die im Zeitraum abgeschlossen wurden.',
    chart: 'bar',
  },
  {
    key: 'cases.closures',
    offer: 'case_management',
    label: 'Abschlüsse',
    unit: 'count',
    numerator: 'Fälle nach Art des Abschlusses',
    denominator: null,
    periodRule: 'Fälle, die im Zeitraum offen waren.',
    chart: 'bar',
    categories: [
      { key: 'planned', label: 'Geplant abgeschlossen' },
      { key: 'unplanned', label: 'Ungeplant abgeschlossen' },
      { key: 'open', label: 'Noch offen' },
    ],
  },
  {
    key: 'cases.appointments_kept',
    offer: 'case_management',
    label: 'Wahrgenommene Termine',
    unit: 'share',
    numerator: 'Wahrgenommene Termine',
    denominator: 'Fällige Termine',
    periodRule: 'Fälle, die im Zeitraum offen waren.',
    chart: 'none',
  },
];

export function fixtureReport(overrides: Partial<IndicatorReport> = {}): IndicatorReport {
  return {
    period: { from: '2019-01-01', to: '2019-12-31', label: '2019' },
    offer: null,
    internal: false,
    minCount: 5,
    computedAt: '2026-12-03T10:15:00.000Z',
    sets: [
      {
        offer: 'arrival_counselling',
        label: 'Ankommensberatung',
        indicators: [
          result('arrival.visits', 'Durchgeführte Hausbesuche', 'count', fig(117, 117, null)),
          result('arrival.visits_as_planned', 'Hausbesuche wie geplant', 'share', fig(0.9, 108, 120)),
          result(
            'arrival.follow_up_in_time',
            'Kontakt zu Stadtteilbüro oder Schulplatzberatung binnen 2 Monaten',
            'share',
            fig(0.5128, 60, 117),
          ),
          result(
            'arrival.topics',
            'Themen der Hausbesuche',
            'share',
            { value: null, numerator: null, denominator: 117, suppressed: false },
            {
              breakdown: [
                { key: 'language', label: 'Sprache', ...fig(0.7521, 88, 117) },
                { key: 'childcare', label: 'Kinderbetreuung', ...fig(0.3504, 41, 117) },
                { key: 'housing', label: HOSTILE_LABEL, ...hidden },
              ],
            },
          ),
        ],
      },
      {
        offer: 'case_management',
        label: 'Case Management',
        indicators: [
          result('cases.duration', 'Dauer abgeschlossener Fälle', 'months', fig(6, 7, null), { min: 4, max: 8 }),
          result(
            'cases.closures',
            'Abschlüsse',
            'count',
            { value: 10, numerator: 10, denominator: null, suppressed: false },
            {
              breakdown: [
                { key: 'planned', label: 'Geplant abgeschlossen', ...hidden },
                { key: 'unplanned', label: 'Ungeplant abgeschlossen', ...hidden },
                { key: 'open', label: 'Noch offen', ...fig(6, 6, null) },
              ],
            },
          ),
          result('cases.appointments_kept', 'Wahrgenommene Termine', 'share', hidden),
        ],
      },
    ],
    ...overrides,
  };
}
