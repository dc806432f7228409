import {
  collidesWithMorning,
  RankCandidate,
  RankCourse,
  rankCourses,
  RankNeeds,
  RankPerson,
  WEIGHTS,
} from '../../src/subgraphs/courses/matching/matching.rank';

const TODAY = '2026-11-02';
const RHEINE = '05566076';

/** A course that neither helps nor hurts the ranking unless overridden: open, Rheine, starting later. */
const course = (id: string, over: Partial<RankCourse> = {}): RankCourse => ({
  id,
  kind: 'language_offensive',
  targetLevel: 'A1',
  startsOn: '2027-03-01',
  endsOn: '2027-06-30',
  status: 'open',
  childcare: false,
  district: 'Innenstadt',
  municipalityKey: RHEINE,
  weeklySlots: [{ weekday: 'TU', startsAt: '14:00', lessons: 2 }],
  eveningOrShift: false,
  womenOnly: false,
  ...over,
});
const candidate = (c: RankCourse, over: Partial<RankCandidate> = {}): RankCandidate => ({
  course: c,
  servedDistricts: [],
  seatsFree: 10,
  waitlistLength: 0,
  ...over,
});
const NEEDS: RankNeeds = { maxWaitlist: 5 };
const NOBODY: RankPerson = { sex: null, municipalityKey: null };
const rank = (cs: RankCandidate[], needs: Partial<RankNeeds> = {}, person: RankPerson = NOBODY) =>
  rankCourses(cs, { ...NEEDS, ...needs }, person, TODAY);
const codes = (rs: Array<{ code: string }>) => rs.map((r) => r.code);
const ids = (rs: Array<{ course: { id: string } }>) => rs.map((r) => r.course.id);

describe('course matching: ranking', () => {
  it('ranks a course with childcare first for a need of childcare and names it', () => {
    const out = rank([candidate(course('a')), candidate(course('b', { childcare: true }))], { childcare: true });
    expect(ids(out)).toEqual(['b', 'a']);
    expect(out[0].matched).toContainEqual({ code: 'childcare', text: 'Kinderbetreuung vorhanden' });
    expect(out[1].missing).toContainEqual({ code: 'childcare', text: 'Keine Kinderbetreuung' });
    expect(out[0].score - out[1].score).toBe(WEIGHTS.childcare.matched + WEIGHTS.childcare.missing);
  });

  it('prefers the wanted level, then one step off, then further', () => {
    const out = rank(
      [
        candidate(course('b1', { targetLevel: 'B1' })),
        candidate(course('a2', { targetLevel: 'A2' })),
        candidate(course('a1')),
      ],
      { level: 'A1' },
    );
    expect(ids(out)).toEqual(['a1', 'a2', 'b1']);
    expect(out[1].missing).toContainEqual({ code: 'level', text: 'Kursziel A2 statt A1' });
  });

  it('puts literacy courses first for a need of alphabetisation, and behind otherwise', () => {
    const cs = [candidate(course('lit', { kind: 'literacy' })), candidate(course('plain'))];
    expect(ids(rank(cs, { literacy: true }))).toEqual(['lit', 'plain']);
    const without = rank(cs, {});
    expect(ids(without)).toEqual(['plain', 'lit']);
    expect(codes(without[1].missing)).toContain('literacy');
  });

  it('puts evening or shift-compatible courses first for shift workers', () => {
    const out = rank([candidate(course('day')), candidate(course('eve', { eveningOrShift: true }))], {
      eveningOrShift: true,
    });
    expect(ids(out)).toEqual(['eve', 'day']);
    expect(codes(out[0].matched)).toContain('evening_or_shift');
    expect(codes(out[1].missing)).toContain('evening_or_shift');
  });

  it('leaves women-only courses out for a man, and marks them to check when the sex is not known', () => {
    const cs = [candidate(course('w', { womenOnly: true })), candidate(course('m'))];
    expect(ids(rank(cs, {}, { sex: 'male', municipalityKey: RHEINE }))).toEqual(['m']);
    const unknown = rank(cs);
    expect(ids(unknown)).toEqual(['m', 'w']);
    expect(codes(unknown[1].missing)).toContain('women_only');
    const woman = rank(cs, { womenOnly: true }, { sex: 'female', municipalityKey: RHEINE });
    expect(ids(woman)).toEqual(['w', 'm']);
    expect(woman[0].matched).toContainEqual({ code: 'women_only', text: 'Kurs nur für Frauen' });
  });

  it('with a parallel integration course leaves out integration courses and Mo–Fr mornings', () => {
    const cs = [
      candidate(course('morning', { weeklySlots: [{ weekday: 'MO', startsAt: '10:45', lessons: 2 }] })),
      candidate(course('ik', { kind: 'integration_course', weeklySlots: [] })),
      candidate(course('saturday', { weeklySlots: [{ weekday: 'SA', startsAt: '09:00', lessons: 4 }] })),
      candidate(course('afternoon')),
      candidate(course('unknown', { weeklySlots: [] })),
    ];
    const out = rank(cs, { parallelIntegrationCourse: true });
    expect(ids(out).sort()).toEqual(['afternoon', 'saturday', 'unknown']);
    expect(ids(out)[2]).toBe('unknown');
    expect(codes(out[0].matched)).toContain('parallel_integration_course');
    expect(codes(out[2].missing)).toContain('parallel_integration_course');
    // Without the need nothing is left out.
    expect(rank(cs)).toHaveLength(5);
  });

  it('knows the morning: a slot ending at 08:00 or starting at 12:00 does not collide', () => {
    expect(collidesWithMorning({ weekday: 'TU', startsAt: '06:30', lessons: 2 })).toBe(false);
    expect(collidesWithMorning({ weekday: 'TU', startsAt: '12:00', lessons: 2 })).toBe(false);
    expect(collidesWithMorning({ weekday: 'TU', startsAt: '11:30', lessons: 1 })).toBe(true);
    expect(collidesWithMorning({ weekday: 'SU', startsAt: '09:00', lessons: 2 })).toBe(false);
  });

  it('prefers the own district, then a neighbour, then a provider serving it, then the same town', () => {
    const cs = [
      candidate(course('town', { district: 'Mesum' })),
      candidate(course('served', { district: 'Mesum' }), { servedDistricts: ['Dorenkamp'] }),
      candidate(course('near', { district: 'Schotthock' })),
      candidate(course('own', { district: 'Dorenkamp' })),
      candidate(course('elsewhere', { district: null, municipalityKey: '05566008' })),
    ];
    const out = rank(cs, { district: 'Dorenkamp' }, { sex: null, municipalityKey: RHEINE });
    expect(ids(out)).toEqual(['own', 'near', 'served', 'town', 'elsewhere']);
    expect(out.map((r) => r.matched.map((m) => m.code).find((c) => c !== 'seats_free'))).toEqual([
      'district',
      'nearby_district',
      'served_district',
      'same_municipality',
      undefined,
    ]);
    expect(codes(out[4].missing)).toContain('district');
  });

  it('prefers courses running or starting by the wanted day', () => {
    const cs = [
      candidate(course('later', { startsOn: '2027-01-10' })),
      candidate(course('running', { startsOn: '2026-09-01', status: 'running' })),
      candidate(course('soon', { startsOn: '2026-11-20' })),
    ];
    const out = rank(cs);
    // Both running and soon match; the tie goes to the earlier start.
    expect(ids(out)).toEqual(['running', 'soon', 'later']);
    expect(out[2].missing).toContainEqual({ code: 'starts_soon', text: 'Beginnt erst am 10.01.2027' });
    expect(ids(rank(cs, { startBy: '2027-01-31' }))).toEqual(['running', 'soon', 'later']);
    expect(codes(rank(cs, { startBy: '2027-01-31' })[2].matched)).toContain('starts_soon');
  });

  it('keeps full courses with a short waitlist behind free ones, and leaves out long waitlists and closed courses', () => {
    const cs = [
      candidate(course('long'), { seatsFree: 0, waitlistLength: 6 }),
      candidate(course('short'), { seatsFree: 0, waitlistLength: 2 }),
      candidate(course('free'), { seatsFree: 3 }),
      candidate(course('ended', { endsOn: TODAY })),
      candidate(course('planned', { status: 'planned' })),
      candidate(course('cancelled', { status: 'cancelled' })),
    ];
    const out = rank(cs);
    expect(ids(out)).toEqual(['free', 'short']);
    expect(out[0].matched).toContainEqual({ code: 'seats_free', text: '3 Plätze frei' });
    expect(out[1].matched).toContainEqual({ code: 'short_waitlist', text: 'Warteliste mit 2 Personen' });
    expect(codes(out[1].missing)).toContain('seats_free');
    expect(ids(rank(cs, { maxWaitlist: 6 }))).toEqual(['free', 'short', 'long']);
  });

  it('breaks ties by start date, then id, whatever the input order (deterministic)', () => {
    const cs = [
      candidate(course('c', { startsOn: '2027-02-01' })),
      candidate(course('b', { startsOn: '2027-01-15' })),
      candidate(course('a', { startsOn: '2027-02-01' })),
    ];
    const expected = ['b', 'a', 'c'];
    expect(ids(rank(cs))).toEqual(expected);
    expect(ids(rank([...cs].reverse()))).toEqual(expected);
    expect(rank(cs)).toEqual(rank([cs[2], cs[0], cs[1]]));
  });

  it('scores the sum of matched points minus the penalties of what is missing', () => {
    const [r] = rank([candidate(course('x', { childcare: true }))], { childcare: true, eveningOrShift: true });
    const expected =
      r.matched.reduce((n, m) => n + WEIGHTS[m.code].matched, 0) -
      r.missing.reduce((n, m) => n + WEIGHTS[m.code].missing, 0);
    expect(r.score).toBe(expected);
    expect(codes(r.matched)).toEqual(['childcare', 'seats_free']);
    expect(codes(r.missing)).toEqual(['evening_or_shift', 'starts_soon']);
  });
});
