import { DateResolver } from 'graphql-scalars';
import { Field, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { CefrLevel, Course } from '../course/course.types';
import { ReasonCode } from './matching.rank';

export enum MatchReasonCode {
  level = 'level',
  literacy = 'literacy',
  childcare = 'childcare',
  evening_or_shift = 'evening_or_shift',
  women_only = 'women_only',
  parallel_integration_course = 'parallel_integration_course',
  district = 'district',
  nearby_district = 'nearby_district',
  served_district = 'served_district',
  same_municipality = 'same_municipality',
  starts_soon = 'starts_soon',
  seats_free = 'seats_free',
  short_waitlist = 'short_waitlist',
}
registerEnumType(MatchReasonCode, {
  name: 'MatchReasonCode',
  description: 'What a course match is about; the same code appears in `matched` or in `missing`',
});

// The ranking's codes and the schema's enum must stay the same set.
const _sameCodes: Record<ReasonCode, MatchReasonCode> = MatchReasonCode;
void _sameCodes;

@ObjectType({ description: 'Why a course matches or what it misses' })
export class MatchReason {
  @Field(() => MatchReasonCode) code: MatchReasonCode;
  @Field(() => String, { description: 'A German sentence for city staff, e.g. "Kinderbetreuung vorhanden"' })
  text: string;
}

@ObjectType({ description: 'A course ranked for a person’s needs, with the reasons' })
export class CourseMatch {
  @Field(() => Course) course: Course;
  @Field(() => Int, { description: 'Points of the matched reasons minus penalties of the missing ones' })
  score: number;
  @Field(() => [MatchReason]) matched: MatchReason[];
  @Field(() => [MatchReason]) missing: MatchReason[];
  @Field(() => Int, { description: 'Free seats (until enrolments are recorded the full capacity counts)' })
  seatsFree: number;
  @Field(() => Int) waitlistLength: number;
}

@InputType({ description: 'What a person needs of a course; every field is optional' })
export class CourseNeedsInput {
  @Field(() => CefrLevel, { nullable: true, description: 'The level the course should lead to' })
  level?: CefrLevel | null;
  @Field(() => Boolean, { nullable: true, description: 'Needs childcare during the course' }) childcare?:
    boolean | null;
  @Field(() => Boolean, {
    nullable: true,
    description: 'Works shifts or days: needs an evening or shift-compatible course',
  })
  eveningOrShift?: boolean | null;
  @Field(() => Boolean, { nullable: true, description: 'Wants a course for women only' }) womenOnly?: boolean | null;
  @Field(() => Boolean, { nullable: true, description: 'Needs to learn reading and writing (alphabetisation)' })
  literacy?: boolean | null;
  @Field(() => String, {
    nullable: true,
    description: 'The person’s city district (Stadtteil); without it only the municipality counts',
  })
  district?: string | null;
  @Field(() => DateResolver, { nullable: true, description: 'Latest start wanted; default four weeks from today' })
  startBy?: Date | string | null;
  @Field(() => Boolean, {
    nullable: true,
    description: 'Attends an integration course in parallel: courses overlapping Mo–Fr mornings are left out',
  })
  parallelIntegrationCourse?: boolean | null;
  @Field(() => Int, {
    nullable: true,
    description: 'A full course counts while its waitlist is at most this long: 0 to 100, default 5',
  })
  maxWaitlist?: number | null;
}
