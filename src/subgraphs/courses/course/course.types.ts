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
}
registerEnumType(CourseKind, {
  name: 'CourseKind',
  description:
    'BAMF integration course, or a local offer (language offensive, literacy, evening, women with childcare, vocational, youth)',
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
}
