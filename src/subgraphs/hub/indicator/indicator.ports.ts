/**
 * What the indicator facts are made of, as the owning subgraphs hand it to the hub (ADR 0007): the
 * hub never reads the city's or the courses' tables itself. Codes, days and counts only, read as
 * the system (the events job's or the CLI's context). Wired in src/container.indicators.ts.
 */

/** A day in Europe/Berlin, YYYY-MM-DD. */
export type Day = string;

export interface ArrivalVisitFact {
  visitId: string;
  /** The team (partner slug) that visits. */
  owner: string;
  /** The visited person's municipality key (AGS). */
  municipalityKey: string;
  familyId: string;
  /** The day first planned (a reschedule does not move the visit to another period). */
  plannedOn: Day;
  status: 'planned' | 'took_place' | 'did_not_take_place';
  /** Held on the day first planned, never moved; false when it did not take place; null while planned. */
  asPlanned: boolean | null;
  heldOn: Day | null;
  topics: string[];
  /** held_on + 2 months. */
  followUpDueOn: Day | null;
  followUpKind: 'district_office' | 'school_placement' | 'none' | null;
  /** A contact by followUpDueOn; null while none is known. */
  followUpInTime: boolean | null;
}

export interface CourseFact {
  courseId: string;
  /** The provider's partner slug. */
  owner: string;
  municipalityKey: string;
  kind: string;
  status: string;
  startsOn: Day;
  endsOn: Day | null;
  capacity: number;
  childcare: boolean;
  eveningOrShift: boolean;
}

export interface EnrolmentFact {
  enrolmentId: string;
  courseId: string;
  courseKind: string;
  /** The course provider's partner slug. */
  owner: string;
  /** The enrolment's (its course's) municipality key. */
  municipalityKey: string;
  personId: string;
  sex: 'female' | 'male' | 'diverse' | 'unknown';
  status: string;
  enrolledOn: Day | null;
  endedOn: Day | null;
  usesChildcare: boolean | null;
  shiftWorker: boolean | null;
  apprentice: boolean | null;
  eveningParticipant: boolean | null;
  parallelIntegrationCourse: boolean | null;
}

export interface CaseFact {
  caseId: string;
  /** The case's holder (partner slug). */
  owner: string;
  /** The client's municipality key. */
  municipalityKey: string;
  personId: string;
  track: string;
  openedOn: Day;
  closedOn: Day | null;
  closure: 'planned' | 'unplanned' | null;
  /** Appointments kept, missed or cancelled by the client (scheduled ones and those the case manager cancelled do not count). */
  appointmentsDue: number;
  appointmentsKept: number;
  /** Goals agreed: every status but proposed and dropped. */
  goalsAgreed: number;
  goalsReached: number;
  /** Life domains of the case's assessments that name at least one problem, sorted. */
  topics: string[];
}

/** One kind of fact from its owner: the facts of some records (those gone are left out), and its ids in pages for a rebuild. */
export interface FactSource<F> {
  facts(ids: readonly string[]): Promise<F[]>;
  /** Ids in ascending order after `after` (null: from the start), at most `limit`. */
  ids(after: string | null, limit: number): Promise<string[]>;
}

export interface IndicatorSources {
  visits: FactSource<ArrivalVisitFact> & {
    /** The visits of a person's family (person.moved changes their municipality). */
    ofPerson(personId: string): Promise<string[]>;
  };
  cases: FactSource<CaseFact>;
  courses: FactSource<CourseFact>;
  enrolments: FactSource<EnrolmentFact>;
  /** The persons' municipality keys (referrals count where the person lives); those unknown are left out. */
  municipalitiesOf(personIds: readonly string[]): Promise<Map<string, string>>;
}
