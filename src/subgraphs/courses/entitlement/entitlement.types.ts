import { DateTimeResolver } from 'graphql-scalars';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { PersonalData } from '../../../policy/personal-data';
import { ENTITLEMENT_REASONS, ENTITLEMENT_STATUSES } from './entitlement.state';

export enum EntitlementCourseKind {
  integration_course = 'integration_course',
  /** Berufssprachkurs (DeuFöV). */
  job_language_course = 'job_language_course',
}
registerEnumType(EntitlementCourseKind, {
  name: 'EntitlementCourseKind',
  description: 'The course an entitlement is for: the integration course, or a job-related language course (DeuFöV)',
});

export enum EntitlementBasis {
  entitlement = 'entitlement',
  obligation = 'obligation',
}
registerEnumType(EntitlementBasis, {
  name: 'EntitlementBasis',
  description: 'Whether a body entitled the person to the course or obliged them to attend',
});

export enum IssuerKind {
  immigration_office = 'immigration_office',
  jobcenter = 'jobcenter',
  federal_office = 'federal_office',
}
registerEnumType(IssuerKind, { name: 'IssuerKind', description: 'The kind of body that issued an entitlement' });

export const EntitlementStatus = Object.fromEntries(ENTITLEMENT_STATUSES.map((s) => [s, s])) as {
  [K in (typeof ENTITLEMENT_STATUSES)[number]]: K;
};
registerEnumType(EntitlementStatus, {
  name: 'EntitlementStatus',
  description:
    'issued → registered → in_use → used | lapsed | withdrawn | transferred (active: issued, registered, in_use)',
});

export const EntitlementReason = Object.fromEntries(ENTITLEMENT_REASONS.map((s) => [s, s])) as {
  [K in (typeof ENTITLEMENT_REASONS)[number]]: K;
};
registerEnumType(EntitlementReason, {
  name: 'EntitlementReason',
  description: 'Why an entitlement was withdrawn, transferred or released',
});

@ObjectType({ description: 'A body that entitled or obliged the person; the issuer comes first' })
export class EntitlementBody {
  @Field(() => String, { description: 'Partner slug' }) partner: string;
  @Field(() => EntitlementBasis) kind: EntitlementBasis;
  @Field(() => DateTimeResolver) addedAt: Date;
  @Field(() => String, { description: 'Partner slug that added the body' }) addedBy: string;
}

@ObjectType({ description: 'One step of an entitlement: what happened, by whom, between which statuses and providers' })
export class EntitlementStep {
  @Field(() => String, { description: 'issue, register, obligation_added, transfer, withdraw, lapse, release, …' })
  action: string;
  @Field(() => EntitlementStatus, { nullable: true }) fromStatus: string | null;
  @Field(() => EntitlementStatus) toStatus: string;
  @Field(() => String, { description: 'Partner slug (lotse: the hub itself)' }) byPartner: string;
  @Field(() => DateTimeResolver) at: Date;
  @Field(() => EntitlementReason, { nullable: true }) reasonCode: string | null;
  @Field(() => String, { nullable: true }) providerFrom: string | null;
  @Field(() => String, { nullable: true }) providerTo: string | null;
}

@ObjectType({
  description: 'An entitlement or obligation to a course (Berechtigungsschein), one active per person and course kind',
})
export class Entitlement {
  @Field(() => ID) id: string;
  @PersonalData('course_participation')
  @Field(() => EntitlementCourseKind, { nullable: true })
  courseKind: EntitlementCourseKind;
  @PersonalData('course_participation')
  @Field(() => EntitlementBasis, { nullable: true })
  basis: EntitlementBasis;
  @PersonalData('course_participation')
  @Field(() => EntitlementStatus, { nullable: true })
  status: string;
  @PersonalData('course_participation')
  @Field(() => String, { nullable: true, description: 'Partner slug of the issuing body' })
  issuingBody: string;
  @PersonalData('course_participation')
  @Field(() => IssuerKind, { nullable: true })
  issuerKind: IssuerKind;
  @PersonalData('course_participation')
  @Field(() => Int, { nullable: true })
  hoursGranted: number;
  @PersonalData('course_participation')
  @Field(() => Int, { nullable: true })
  hoursUsed: number;
  @PersonalData('course_participation')
  @Field(() => DateTimeResolver, { nullable: true })
  issuedAt: Date;
  @PersonalData('course_participation')
  @Field(() => String, { nullable: true, description: 'Partner slug of the course provider holding it' })
  registeredProvider: string | null;
  @PersonalData('course_participation')
  @Field(() => DateTimeResolver, { nullable: true })
  registeredAt: Date | null;
  @PersonalData('course_participation')
  @Field(() => DateTimeResolver, {
    nullable: true,
    description: 'Last course activity (the lapse rule counts from it)',
  })
  lastActivityAt: Date | null;
  @Field(() => String, { description: "Official municipality key (AGS) of the person's municipality" })
  municipalityKey: string;
  personId: string;
}

@InputType()
export class IssueEntitlementInput {
  @Field(() => ID) personId: string;
  @Field(() => EntitlementCourseKind) courseKind: EntitlementCourseKind;
  @Field(() => EntitlementBasis, { nullable: true, description: 'Default: entitlement' })
  basis?: EntitlementBasis | null;
  @Field(() => Int, {
    nullable: true,
    description:
      'Teaching units granted, 1 to 2000; default 700 (integration course) or 400 (job-related language course)',
  })
  hoursGranted?: number | null;
}

@InputType()
export class AddObligingBodyInput {
  @Field(() => ID) entitlementId: string;
  @Field(() => String, {
    description: 'Partner slug of the body (an immigration office or jobcenter); usually yourself',
  })
  body: string;
  @Field(() => EntitlementBasis) basis: EntitlementBasis;
}

@InputType()
export class WithdrawEntitlementInput {
  @Field(() => ID) entitlementId: string;
  @Field(() => EntitlementReason) reason: string;
}

@InputType()
export class TransferEntitlementInput {
  @Field(() => ID) entitlementId: string;
  @Field(() => String, { description: 'Partner slug of an active course provider' }) toProvider: string;
  @Field(() => EntitlementReason) reason: string;
}

@InputType()
export class RegisterEntitlementInput {
  @Field(() => ID) entitlementId: string;
}
