import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { PageInfo } from '../../shared/connection.types';

@ObjectType({ description: 'One access to a person’s data, from the audit log (DSGVO Art. 15: who has seen my data)' })
export class AccessReportEntry {
  @Field(() => DateTimeResolver) at: Date;
  @Field(() => String, { description: 'Partner that accessed the data' }) partner: string;
  @Field(() => String, { description: 'read, write or denied' }) kind: string;
  @Field(() => [String], { description: 'Data categories involved' }) categories: string[];
  @Field(() => String, { nullable: true }) purpose: string | null;
  @Field(() => String, {
    nullable: true,
    description: "legal_basis:<id>, consent:<id>, referral:<id> (a referral's steps, shown to its parties) or system",
  })
  basis: string | null;
  @Field(() => String, { nullable: true, description: 'GraphQL operation name' }) operation: string | null;
}

/** Which entries a caller may read: who may see the whole report is decided per person. */
export enum AccessReportCoverage {
  all = 'all',
  own = 'own',
}
registerEnumType(AccessReportCoverage, {
  name: 'AccessReportCoverage',
  description:
    'all: every entry about the person (the data-protection officer, the person’s current case owner); own: only the entries of your own accesses',
});

@ObjectType('AccessReportEdge')
export class AccessReportEdge {
  @Field(() => String) cursor: string;
  @Field(() => AccessReportEntry) node: AccessReportEntry;
}

@ObjectType('AccessReportConnection', { description: 'A page of a person’s access report, newest first' })
export class AccessReportConnection {
  @Field(() => [AccessReportEdge]) edges: AccessReportEdge[];
  @Field(() => PageInfo) pageInfo: PageInfo;
  /** null when not selected: nothing was counted (see connection.selection.ts), and GraphQL never reads it. */
  @Field(() => Int, { description: 'Entries you may read (with `since`, from then on)' }) totalCount: number | null;
  @Field(() => AccessReportCoverage, { description: 'Whether you read the whole report or your own entries' })
  coverage: AccessReportCoverage;
}
