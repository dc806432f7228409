import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateResolver } from 'graphql-scalars';
import { Connection } from '../../shared/connection.types';

export enum CourseKind {
  integration_course = 'integration_course',
  language_offensive = 'language_offensive',
  literacy = 'literacy',
  evening_course = 'evening_course',
  women_with_childcare = 'women_with_childcare',
  vocational_language = 'vocational_language',
  youth_course = 'youth_course',
  parents_course = 'parents_course',
  apprentice_course = 'apprentice_course',
}
registerEnumType(CourseKind, {
  name: 'CourseKind',
  description:
    'BAMF integration course, or a local offer (language offensive, literacy, evening, women with childcare, ' +
    "vocational (job-related), youth, parents' course, course for apprentices)",
});

export enum CefrLevel {
  A1 = 'A1',
  A2 = 'A2',
  B1 = 'B1',
  B2 = 'B2',
  C1 = 'C1',
}
registerEnumType(CefrLevel, {
  name: 'CefrLevel',
  description: 'Language level of the Common European Framework of Reference',
});

export enum CourseStatus {
  planned = 'planned',
  open = 'open',
  running = 'running',
  completed = 'completed',
  cancelled = 'cancelled',
}
registerEnumType(CourseStatus, {
  name: 'CourseStatus',
  description: 'planned (not yet taking enrolments), open (taking enrolments), running, completed, cancelled',
});

export enum Weekday {
  MO = 'MO',
  TU = 'TU',
  WE = 'WE',
  TH = 'TH',
  FR = 'FR',
  SA = 'SA',
  SU = 'SU',
}
registerEnumType(Weekday, { name: 'Weekday' });
export const WEEKDAYS = Object.values(Weekday);

@ObjectType({ description: 'One weekly slot of a course, e.g. Tuesday 09:00, 2 lessons' })
export class WeeklySlotType {
  @Field(() => Weekday) weekday: Weekday;
  @Field(() => String, { description: 'Local time HH:MM' }) startsAt: string;
  @Field(() => Int, { description: 'Lessons of 45 minutes' }) lessons: number;
}

@InputType('WeeklySlotInput')
export class WeeklySlotInput {
  @Field(() => Weekday) weekday: Weekday;
  @Field(() => String, { description: 'Local time HH:MM' }) startsAt: string;
  @Field(() => Int, { description: '1 to 10 lessons of 45 minutes' }) lessons: number;
}

@ObjectType({ description: 'A language course' })
export class Course {
  @Field(() => ID) id: string;
  @Field(() => String) title: string;
  @Field(() => CourseKind) kind: CourseKind;
  @Field(() => CefrLevel) targetLevel: CefrLevel;
  @Field(() => DateResolver) startsOn: string;
  @Field(() => DateResolver, { nullable: true }) endsOn: string | null;
  @Field(() => String, { description: 'e.g. Tue+Thu 09:00–10:30' }) schedule: string;
  @Field(() => Int) lessonsPerWeek: number;
  @Field(() => Int, { description: 'Places, 1 to 100' }) capacity: number;
  @Field(() => Boolean, { description: 'Childcare in parallel' }) childcare: boolean;
  @Field(() => String, { description: 'Where it takes place, e.g. a day-care centre' }) location: string;
  @Field(() => String, { nullable: true, description: 'City district (Stadtteil)' }) district: string | null;
  @Field(() => String, { description: 'Official municipality key (AGS) where it takes place' }) municipalityKey: string;
  @Field(() => [WeeklySlotType], { description: 'Weekly slots; empty when only `schedule` was given' })
  weeklySlots: WeeklySlotType[];
  @Field(() => Boolean, { description: 'Evening or shift-compatible: a worker can attend' }) eveningOrShift: boolean;
  @Field(() => Boolean) womenOnly: boolean;
  @Field(() => CourseStatus) status: CourseStatus;
  providerId: string;
}

export const CourseConnection = Connection('Course', Course);
export type CourseConnection = InstanceType<typeof CourseConnection>;

@InputType({ description: 'Filters for courses; all given filters must match' })
export class CourseFilter {
  @Field(() => CourseKind, { nullable: true }) kind?: CourseKind | null;
  @Field(() => ID, { nullable: true }) providerId?: string | null;
  @Field(() => String, { nullable: true, description: 'AGS or an AGS prefix' }) municipalityKey?: string | null;
  @Field(() => Boolean, { nullable: true }) childcare?: boolean | null;
  @Field(() => DateResolver, { nullable: true, description: 'Courses starting on or after this day' }) startsAfter?:
    Date | string | null;
  @Field(() => [CourseStatus], { nullable: true, description: 'Any of these statuses' }) status?: CourseStatus[] | null;
  @Field(() => CefrLevel, { nullable: true }) targetLevel?: CefrLevel | null;
  @Field(() => String, { nullable: true, description: 'City district (Stadtteil), exact' }) district?: string | null;
  @Field(() => Boolean, { nullable: true }) womenOnly?: boolean | null;
  @Field(() => Boolean, { nullable: true }) eveningOrShift?: boolean | null;
}

@InputType()
export class CreateCourseInput {
  @Field(() => ID, { description: 'Your own provider, unless you hold the scope *' }) providerId: string;
  @Field(() => String) title: string;
  @Field(() => CourseKind) kind: CourseKind;
  @Field(() => CefrLevel) targetLevel: CefrLevel;
  @Field(() => DateResolver) startsOn: Date | string;
  @Field(() => DateResolver, { nullable: true, description: 'On or after startsOn' }) endsOn?: Date | string | null;
  @Field(() => String) schedule: string;
  @Field(() => Int, { description: '1 to 40' }) lessonsPerWeek: number;
  @Field(() => Int, { description: '1 to 100' }) capacity: number;
  @Field(() => Boolean, { nullable: true, description: 'Default: true for women_with_childcare, else false' })
  childcare?: boolean | null;
  @Field(() => String) location: string;
  @Field(() => String, { nullable: true }) district?: string | null;
  @Field(() => String, { description: 'AGS, eight digits, inside your jurisdiction' }) municipalityKey: string;
  @Field(() => [WeeklySlotInput], {
    nullable: true,
    description: 'Weekly slots (at most 14); their lessons add up to lessonsPerWeek',
  })
  weeklySlots?: WeeklySlotInput[] | null;
  @Field(() => Boolean, {
    nullable: true,
    description: 'Default: true for evening_course, apprentice_course or a slot from 17:00, else false',
  })
  eveningOrShift?: boolean | null;
  @Field(() => Boolean, { nullable: true, description: 'Default: false' }) womenOnly?: boolean | null;
  @Field(() => CourseStatus, { nullable: true, description: 'planned, open or running (default open)' })
  status?: CourseStatus | null;
}
