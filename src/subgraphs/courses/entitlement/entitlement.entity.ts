import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A person's entitlement or obligation to a course (Berechtigungsschein): one active per person and course kind. */
@Entity({ name: 'entitlement' })
export class EntitlementEntity {
  @PrimaryColumn('uuid') id: string;
  /** The city subgraph owns the person; the id is not checked here (the gateway joins). */
  @Column('uuid', { name: 'person_id' }) personId: string;
  @Column('text', { name: 'course_kind' }) courseKind: string;
  /** entitlement or obligation; an obligation added by any body makes it one. */
  @Column('text') basis: string;
  /** Partner slug of the issuing body, and its kind when it issued. */
  @Column('text', { name: 'issuing_body' }) issuingBody: string;
  @Column('text', { name: 'issuer_kind' }) issuerKind: string;
  @Column('integer', { name: 'hours_granted' }) hoursGranted: number;
  @Column('integer', { name: 'hours_used' }) hoursUsed: number;
  @Column('timestamptz', { name: 'issued_at' }) issuedAt: Date;
  /** Partner slug of the course provider holding it, if any. */
  @Column('text', { name: 'registered_provider', nullable: true }) registeredProvider: string | null;
  @Column('timestamptz', { name: 'registered_at', nullable: true }) registeredAt: Date | null;
  @Column('text') status: string;
  /** The last course activity; with issued_at, what the lapse rule measures from. */
  @Column('timestamptz', { name: 'last_activity_at', nullable: true }) lastActivityAt: Date | null;
  /** The person's municipality (AGS): jurisdiction and row security. */
  @Column('text', { name: 'municipality_key' }) municipalityKey: string;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt: Date;
}

/** A body that entitled or obliged the person; the issuer is the first row. */
@Entity({ name: 'entitlement_body' })
export class EntitlementBodyEntity {
  @PrimaryColumn('uuid', { name: 'entitlement_id' }) entitlementId: string;
  @PrimaryColumn('text') partner: string;
  @Column('text') kind: string;
  @Column('timestamptz', { name: 'added_at' }) addedAt: Date;
  @Column('text', { name: 'added_by' }) addedBy: string;
}

/** One step of an entitlement's history: what happened, by whom, from which status and provider to which. */
@Entity({ name: 'entitlement_step' })
export class EntitlementStepEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'entitlement_id' }) entitlementId: string;
  @Column('text') action: string;
  @Column('text', { name: 'from_status', nullable: true }) fromStatus: string | null;
  @Column('text', { name: 'to_status' }) toStatus: string;
  @Column('text', { name: 'by_partner' }) byPartner: string;
  @Column('timestamptz') at: Date;
  @Column('text', { name: 'reason_code', nullable: true }) reasonCode: string | null;
  @Column('text', { name: 'provider_from', nullable: true }) providerFrom: string | null;
  @Column('text', { name: 'provider_to', nullable: true }) providerTo: string | null;
  /** The event a system step followed (a move): a retry finds the step and does nothing. */
  @Column('uuid', { name: 'event_id', nullable: true }) eventId: string | null;
}
