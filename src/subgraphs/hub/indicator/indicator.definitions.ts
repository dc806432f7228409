import { IndicatorDefinition, Offer } from './indicator.model';

/**
 * What every indicator means, as data: the API returns it (`indicatorDefinitions`), the report
 * prints it under its tables and docs/indicators.md lists it (a test holds the two together).
 * The SQL in indicator.queries.ts computes exactly what `numerator`, `denominator` and
 * `periodRule` say; change both together.
 */

export const OFFER_LABELS: Record<Offer, string> = {
  arrival_counselling: 'Ankommensberatung',
  language_offensive: 'Sprachoffensive',
  case_management: 'Case Management',
  referrals: 'Vermittlungen und Übergaben',
};

/** Arrival visit topics (city arrival.state TOPICS), in the report's order. */
export const ARRIVAL_TOPICS = [
  { key: 'language', label: 'Sprache' },
  { key: 'childcare', label: 'Kinderbetreuung' },
  { key: 'school_entry', label: 'Einschulung' },
  { key: 'labour_market', label: 'Arbeitsmarkt' },
  { key: 'housing', label: 'Wohnen' },
];

/**
 * The language offensive's local, free courses (courses CourseKind). Not counted: the federal
 * courses with their own statistics — `integration_course`, `youth_course` (the BAMF youth
 * integration course) and `vocational_language` (the federal job-related language course).
 */
export const LANGUAGE_OFFENSIVE_KINDS = [
  'language_offensive',
  'literacy',
  'evening_course',
  'women_with_childcare',
  'parents_course',
  'apprentice_course',
] as const;

/** Enrolment statuses of someone who held a place (courses enrolment.state); waitlisted and offered never did. */
export const ATTENDING_STATUSES = ['enrolled', 'completed', 'dropped', 'transferred'] as const;

/** Shares of the language offensive's participants, each a boolean of the enrolment fact. */
export const PARTICIPANT_GROUPS = [
  { key: 'women', label: 'Frauen' },
  { key: 'childcare', label: 'Nutzung der Kinderbetreuung' },
  { key: 'shift_workers', label: 'Schichtarbeitende' },
  { key: 'apprentices_evening', label: 'Auszubildende oder Abendkurs' },
  { key: 'integration_course', label: 'Paralleler Integrationskurs' },
];

/** Case topics: the life domains of the assessment (city case.state LIFE_DOMAINS). */
export const CASE_TOPICS = [
  { key: 'housing', label: 'Wohnen' },
  { key: 'health', label: 'Gesundheit' },
  { key: 'education', label: 'Schule und Ausbildung' },
  { key: 'family', label: 'Familie und Kinderbetreuung' },
  { key: 'participation', label: 'Teilhabe und Sozialverhalten' },
  { key: 'language', label: 'Sprache' },
  { key: 'work', label: 'Arbeit' },
  { key: 'residence', label: 'Aufenthalt' },
];

/** Referral types the demo city uses; other types in the data follow with their code as label. */
export const REFERRAL_TYPES = [
  { key: 'integration_course', label: 'Integrationskurs' },
  { key: 'arrival_counselling', label: 'Ankommensberatung' },
  { key: 'district_office', label: 'Stadtteilbüro' },
  { key: 'school_placement', label: 'Schulplatzberatung' },
  { key: 'benefit_handover', label: 'Übergabe AsylbLG → SGB II' },
  { key: 'youth_to_adult', label: 'Übergabe Jugendhilfe → Erwachsenenhilfe' },
  { key: 'moved_away', label: 'Übergabe nach Umzug' },
];

/** Referral status groups (hub referral.state): where a referral requested in the period stands. */
export const REFERRAL_OUTCOMES = [
  { key: 'open', label: 'Offen (angefragt, eingegangen)', statuses: ['requested', 'received'] },
  { key: 'accepted', label: 'Angenommen, in Arbeit', statuses: ['accepted', 'in_progress', 'on_hold'] },
  { key: 'helped', label: 'Abgeschlossen: geholfen', statuses: ['completed'] },
  { key: 'completed_other', label: 'Abgeschlossen: anderes Ergebnis', statuses: ['completed'] },
  { key: 'rejected', label: 'Abgelehnt', statuses: ['rejected'] },
  { key: 'failed', label: 'Gescheitert', statuses: ['failed'] },
  { key: 'cancelled', label: 'Zurückgezogen', statuses: ['cancelled'] },
  { key: 'expired', label: 'Frist verstrichen', statuses: ['expired'] },
];
/** Outcomes of a completed referral that count as `helped`. */
export const HELPED_OUTCOMES = ['got_help', 'partially_helped'];

const ARRIVAL_PERIOD = 'Hausbesuche mit geplantem Termin (planned_on) im Zeitraum.';
const COURSE_PERIOD =
  'Kurse der Sprachoffensive, die im Zeitraum laufen (Beginn ≤ Zeitraumende, Ende offen oder ≥ Zeitraumbeginn; ohne abgesagte); Teilnahmen mit Beginn ≤ Zeitraumende und Ende offen oder ≥ Zeitraumbeginn.';
const CASE_OPEN_PERIOD =
  'Fälle, die im Zeitraum offen waren (eröffnet ≤ Zeitraumende, nicht vor Zeitraumbeginn abgeschlossen).';
const CASE_CLOSED_PERIOD = 'Fälle, die im Zeitraum abgeschlossen wurden (closed_on im Zeitraum).';
const REFERRAL_PERIOD =
  'Vermittlungen und Übergaben, die im Zeitraum angefragt wurden (requested_at, Ortszeit Berlin).';

const def = (d: IndicatorDefinition): IndicatorDefinition => d;

export const INDICATOR_DEFINITIONS: readonly IndicatorDefinition[] = [
  def({
    key: 'arrival.visits',
    offer: 'arrival_counselling',
    label: 'Durchgeführte Hausbesuche',
    unit: 'count',
    numerator: 'Hausbesuche mit Status „stattgefunden“',
    denominator: null,
    periodRule: ARRIVAL_PERIOD,
    chart: 'none',
  }),
  def({
    key: 'arrival.visits_as_planned',
    offer: 'arrival_counselling',
    label: 'Hausbesuche wie geplant',
    unit: 'share',
    numerator: 'Hausbesuche, die wie geplant stattfanden',
    denominator: 'Abgeschlossene Hausbesuche (stattgefunden oder nicht stattgefunden; noch geplante zählen nicht)',
    periodRule: ARRIVAL_PERIOD,
    chart: 'bar',
  }),
  def({
    key: 'arrival.follow_up_in_time',
    offer: 'arrival_counselling',
    label: 'Kontakt zu Stadtteilbüro oder Schulplatzberatung innerhalb von 2 Monaten',
    unit: 'share',
    numerator:
      'Familien, die innerhalb von 2 Monaten nach dem Besuch ein Stadtteilbüro oder die Schulplatzberatung aufgesucht haben',
    denominator:
      'Stattgefundene Hausbesuche, deren 2-Monats-Frist bis zum Zeitraumende (höchstens bis heute) abgelaufen ist',
    periodRule: `${ARRIVAL_PERIOD} Besuche, deren Frist noch läuft, zählen weder im Zähler noch im Nenner.`,
    chart: 'bar',
  }),
  def({
    key: 'arrival.topics',
    offer: 'arrival_counselling',
    label: 'Themen der Hausbesuche',
    unit: 'share',
    numerator: 'Stattgefundene Hausbesuche, in denen das Thema besprochen wurde (je Thema)',
    denominator: 'Stattgefundene Hausbesuche',
    periodRule: `${ARRIVAL_PERIOD} Ein Besuch kann mehrere Themen haben.`,
    chart: 'bar',
    categories: ARRIVAL_TOPICS,
  }),
  def({
    key: 'language.courses_parallel',
    offer: 'language_offensive',
    label: 'Parallel laufende Kurse',
    unit: 'count',
    numerator: 'Höchste Zahl von Kursen der Sprachoffensive, die an einem Tag des Zeitraums gleichzeitig liefen',
    denominator: null,
    periodRule: `${COURSE_PERIOD} Integrationskurse, Jugendintegrationskurse und Berufssprachkurse zählen nicht.`,
    chart: 'none',
  }),
  def({
    key: 'language.courses',
    offer: 'language_offensive',
    label: 'Kurse im Zeitraum',
    unit: 'count',
    numerator: 'Kurse der Sprachoffensive, die im Zeitraum liefen',
    denominator: null,
    periodRule: COURSE_PERIOD,
    chart: 'none',
  }),
  def({
    key: 'language.participants',
    offer: 'language_offensive',
    label: 'Teilnahmen',
    unit: 'count',
    numerator:
      'Teilnahmen an Kursen der Sprachoffensive, die im Zeitraum aktiv waren (Platz angenommen: eingeschrieben, abgeschlossen, abgebrochen oder gewechselt; Warteliste und offene Angebote zählen nicht). Eine Person in zwei Kursen zählt zweimal.',
    denominator: null,
    periodRule: COURSE_PERIOD,
    chart: 'none',
  }),
  def({
    key: 'language.mean_course_size',
    offer: 'language_offensive',
    label: 'Durchschnittliche Kursgröße',
    unit: 'count',
    numerator: 'Teilnahmen im Zeitraum',
    denominator: 'Kurse im Zeitraum',
    periodRule: COURSE_PERIOD,
    chart: 'none',
  }),
  ...PARTICIPANT_GROUPS.map((g) =>
    def({
      key: `language.share_${g.key}`,
      offer: 'language_offensive',
      label: `Anteil: ${g.label}`,
      unit: 'share',
      numerator: `Teilnahmen im Zeitraum: ${g.label}${g.key === 'women' ? ' (Geschlecht weiblich)' : ''}`,
      denominator: 'Teilnahmen im Zeitraum',
      periodRule: COURSE_PERIOD,
      chart: 'none',
    }),
  ),
  def({
    key: 'language.participant_groups',
    offer: 'language_offensive',
    label: 'Zusammensetzung der Teilnehmenden',
    unit: 'share',
    numerator: 'Teilnahmen im Zeitraum je Gruppe (eine Teilnahme kann mehreren Gruppen angehören)',
    denominator: 'Teilnahmen im Zeitraum',
    periodRule: COURSE_PERIOD,
    chart: 'bar',
    categories: PARTICIPANT_GROUPS,
  }),
  def({
    key: 'cm.cases',
    offer: 'case_management',
    label: 'Fälle im Zeitraum',
    unit: 'count',
    numerator: 'Fälle (alle Verläufe, einschließlich eUMA)',
    denominator: null,
    periodRule: CASE_OPEN_PERIOD,
    chart: 'none',
  }),
  def({
    key: 'cm.appointments_kept',
    offer: 'case_management',
    label: 'Wahrgenommene Termine',
    unit: 'share',
    numerator: 'Wahrgenommene Termine der Fälle',
    denominator: 'Fällige Termine der Fälle (wahrgenommen, versäumt oder von der Klientin/dem Klienten abgesagt)',
    periodRule: `${CASE_OPEN_PERIOD} Es zählen alle Termine dieser Fälle.`,
    chart: 'bar',
  }),
  def({
    key: 'cm.kept_every_appointment',
    offer: 'case_management',
    label: 'Personen, die jeden Termin wahrgenommen haben',
    unit: 'share',
    numerator: 'Fälle mit mindestens einem fälligen Termin, in denen jeder fällige Termin wahrgenommen wurde',
    denominator: 'Fälle mit mindestens einem fälligen Termin',
    periodRule: CASE_OPEN_PERIOD,
    chart: 'bar',
  }),
  def({
    key: 'cm.closures_planned',
    offer: 'case_management',
    label: 'Geplante Abschlüsse',
    unit: 'count',
    numerator: 'Planmäßig abgeschlossene Fälle',
    denominator: null,
    periodRule: CASE_CLOSED_PERIOD,
    chart: 'none',
  }),
  def({
    key: 'cm.closures_unplanned',
    offer: 'case_management',
    label: 'Ungeplante Abschlüsse',
    unit: 'count',
    numerator: 'Ungeplant abgeschlossene Fälle (durch die Klientin/den Klienten oder die Fallführung beendet)',
    denominator: null,
    periodRule: CASE_CLOSED_PERIOD,
    chart: 'none',
  }),
  def({
    key: 'cm.still_open',
    offer: 'case_management',
    label: 'Am Zeitraumende noch offen',
    unit: 'count',
    numerator: 'Fälle, die am letzten Tag des Zeitraums eröffnet und nicht abgeschlossen waren',
    denominator: null,
    periodRule: 'Eröffnet ≤ Zeitraumende, nicht abgeschlossen oder erst nach dem Zeitraumende abgeschlossen.',
    chart: 'none',
  }),
  def({
    key: 'cm.goals_planned',
    offer: 'case_management',
    label: 'Zielerreichung bei geplanten Abschlüssen',
    unit: 'share',
    numerator: 'Erreichte Ziele der planmäßig abgeschlossenen Fälle',
    denominator: 'Vereinbarte Ziele dieser Fälle',
    periodRule: CASE_CLOSED_PERIOD,
    chart: 'bar',
  }),
  def({
    key: 'cm.goals_unplanned',
    offer: 'case_management',
    label: 'Zielerreichung bei ungeplanten Abschlüssen',
    unit: 'share',
    numerator: 'Erreichte Ziele der ungeplant abgeschlossenen Fälle',
    denominator: 'Vereinbarte Ziele dieser Fälle',
    periodRule: CASE_CLOSED_PERIOD,
    chart: 'bar',
  }),
  def({
    key: 'cm.topics',
    offer: 'case_management',
    label: 'Hauptthemen',
    unit: 'share',
    numerator: 'Fälle mit dem Thema (Lebensbereich der Einschätzung), je Thema',
    denominator: 'Fälle im Zeitraum',
    periodRule: `${CASE_OPEN_PERIOD} Ein Fall kann mehrere Themen haben.`,
    chart: 'bar',
    categories: CASE_TOPICS,
  }),
  def({
    key: 'cm.duration',
    offer: 'case_management',
    label: 'Dauer abgeschlossener Fälle',
    unit: 'months',
    numerator: 'Dauer von der Eröffnung bis zum Abschluss in Monaten (Tage ÷ 30,44): Mittelwert, Minimum, Maximum',
    denominator: null,
    periodRule: CASE_CLOSED_PERIOD,
    chart: 'none',
  }),
  def({
    key: 'referrals.by_type',
    offer: 'referrals',
    label: 'Vermittlungen nach Art',
    unit: 'count',
    numerator: 'Vermittlungen und Übergaben je Art (referralType)',
    denominator: null,
    periodRule: `${REFERRAL_PERIOD} Entwürfe zählen nicht.`,
    chart: 'bar',
    categories: REFERRAL_TYPES,
  }),
  def({
    key: 'referrals.by_outcome',
    offer: 'referrals',
    label: 'Vermittlungen nach Ergebnis',
    unit: 'count',
    numerator: 'Vermittlungen und Übergaben je heutigem Stand (Status, bei Abschluss das Ergebnis)',
    denominator: null,
    periodRule: `${REFERRAL_PERIOD} Als fehlerhaft markierte zählen nicht.`,
    chart: 'bar',
    categories: REFERRAL_OUTCOMES.map(({ key, label }) => ({ key, label })),
  }),
  def({
    key: 'referrals.time_to_acceptance',
    offer: 'referrals',
    label: 'Zeit bis zur Annahme',
    unit: 'days',
    numerator: 'Tage von der Anfrage bis zur Annahme angenommener Vermittlungen: Mittelwert, Minimum, Maximum',
    denominator: null,
    periodRule: `${REFERRAL_PERIOD} Nur angenommene.`,
    chart: 'none',
  }),
  def({
    key: 'referrals.agreement_compliance',
    offer: 'referrals',
    label: 'Einhaltung der Kooperationsvereinbarungen',
    unit: 'share',
    numerator: 'Eingehaltene Fristen aus Kooperationsvereinbarungen',
    denominator: 'Fällige Fristen aus Kooperationsvereinbarungen',
    periodRule: REFERRAL_PERIOD,
    chart: 'bar',
  }),
  def({
    key: 'referrals.handover_gap',
    offer: 'referrals',
    label: 'Lücke bei Rechtskreiswechseln',
    unit: 'days',
    numerator:
      'Tage zwischen dem Verlassen des einen Rechtskreises und der Annahme durch den nächsten (Übergaben): Mittelwert, Minimum, Maximum',
    denominator: null,
    periodRule: `${REFERRAL_PERIOD} Nur Übergaben mit bekannter Lücke.`,
    chart: 'none',
  }),
  def({
    key: 'referrals.handovers_with_gap',
    offer: 'referrals',
    label: 'Übergaben mit Lücke',
    unit: 'count',
    numerator: 'Übergaben mit einer Lücke von mehr als 0 Tagen',
    denominator: null,
    periodRule: REFERRAL_PERIOD,
    chart: 'none',
  }),
];

export const definitionsFor = (offer: Offer | null): IndicatorDefinition[] =>
  INDICATOR_DEFINITIONS.filter((d) => offer === null || d.offer === offer);

export function definition(key: string): IndicatorDefinition {
  const d = INDICATOR_DEFINITIONS.find((x) => x.key === key);
  if (!d) throw new Error(`No indicator definition ${key}`);
  return d;
}
