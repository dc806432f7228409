import { Field, Float, Int, ObjectType } from 'type-graphql';

/** GraphQL mirrors of indicator.model.ts (plain data: the report and the CLI use the model). */

@ObjectType({ description: 'A category of a breakdown (e.g. a topic and its share)' })
export class IndicatorCategory {
  @Field(() => String) key: string;
  @Field(() => String, { description: 'German label' }) label: string;
}

@ObjectType({ description: 'What an indicator counts: numerator, denominator and period rule (German)' })
export class IndicatorDefinition {
  @Field(() => String, { description: "Stable key, e.g. 'arrival.visits_as_planned'" }) key: string;
  @Field(() => String, { description: 'arrival_counselling, language_offensive, case_management or referrals' })
  offer: string;
  @Field(() => String) label: string;
  @Field(() => String, { description: 'count, share (0..1), days or months' }) unit: string;
  @Field(() => String) numerator: string;
  @Field(() => String, { nullable: true, description: 'Null for counts and durations' }) denominator: string | null;
  @Field(() => String, { description: 'Which records of the period count' }) periodRule: string;
  @Field(() => String, { description: 'bar, or none for single figures' }) chart: string;
  @Field(() => [IndicatorCategory], { description: 'Categories of a breakdown, in order; empty otherwise' })
  categories: IndicatorCategory[];
}

@ObjectType({ description: 'One category of a breakdown with its figure; suppressed: the figures are null' })
export class IndicatorBreakdownItem {
  @Field(() => String) key: string;
  @Field(() => String) label: string;
  @Field(() => Float, { nullable: true }) value: number | null;
  @Field(() => Int, { nullable: true }) numerator: number | null;
  @Field(() => Int, { nullable: true }) denominator: number | null;
  @Field(() => Boolean) suppressed: boolean;
  @Field(() => String, {
    nullable: true,
    description:
      'Why it is suppressed: small_number (a count below minCount, or computed from one) or complement (not small, but it would give a suppressed number away through a sum the report shows); null when shown',
  })
  suppression?: string | null;
}

@ObjectType({
  description:
    'One figure: a count, a share (0..1), or a mean in days or months (with min and max). Suppressed (small numbers, see suppression): value, numerator and denominator are null',
})
export class IndicatorResult {
  @Field(() => String) key: string;
  @Field(() => String) label: string;
  @Field(() => String) unit: string;
  @Field(() => Float, { nullable: true }) value: number | null;
  @Field(() => Int, { nullable: true, description: 'Shares: what is counted; durations: the number of records' })
  numerator: number | null;
  @Field(() => Int, { nullable: true }) denominator: number | null;
  @Field(() => Boolean) suppressed: boolean;
  @Field(() => String, {
    nullable: true,
    description:
      'Why it is suppressed: small_number (a count below minCount, or computed from one) or complement (not small, but it would give a suppressed number away through a sum the report shows); null when shown',
  })
  suppression?: string | null;
  @Field(() => [IndicatorBreakdownItem]) breakdown: IndicatorBreakdownItem[];
  @Field(() => Float, { nullable: true }) min: number | null;
  @Field(() => Float, { nullable: true }) max: number | null;
}

@ObjectType({ description: 'The indicators of one offer' })
export class IndicatorSet {
  @Field(() => String) offer: string;
  @Field(() => String, { description: "German, e.g. 'Ankommensberatung'" }) label: string;
  @Field(() => [IndicatorResult]) indicators: IndicatorResult[];
}

@ObjectType({ description: 'The period a report covers, both days inclusive' })
export class IndicatorPeriod {
  @Field(() => String, { description: 'ISO day' }) from: string;
  @Field(() => String, { description: 'ISO day' }) to: string;
  @Field(() => String, { description: 'As given' }) label: string;
}

@ObjectType({ description: 'The report’s indicators for a period (aggregates only, docs/indicators.md)' })
export class IndicatorReport {
  @Field(() => IndicatorPeriod) period: IndicatorPeriod;
  @Field(() => String, { nullable: true, description: 'Null: every offer' }) offer: string | null;
  @Field(() => Boolean, { description: 'Small numbers shown (the data owner’s audited internal mode)' })
  internal: boolean;
  @Field(() => Int, { description: 'Counts below this are suppressed' }) minCount: number;
  @Field(() => String, { description: 'ISO timestamp' }) computedAt: string;
  @Field(() => [IndicatorSet]) sets: IndicatorSet[];
}
