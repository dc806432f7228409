import { Column, Entity, PrimaryColumn } from 'typeorm';

/** How to reach a partner's team: a function mailbox, not a person's own address. */
export interface PartnerContact {
  name?: string | null;
  email?: string | null;
  phone?: string | null;
}

/** A connected agency or organisation; its slug is the partner claim in access tokens. */
@Entity({ name: 'partner' })
export class PartnerEntity {
  @PrimaryColumn('text') slug: string;
  @Column('text') name: string;
  @Column('text') kind: string;
  @Column('text', { name: 'legal_domains', array: true }) legalDomains: string[];
  /** AGS of the partner's seat. */
  @Column('text', { name: 'municipality_key' }) municipalityKey: string;
  /** AGS prefixes of the area it serves. */
  @Column('text', { array: true }) jurisdiction: string[];
  /** Scopes its tokens may carry. */
  @Column('text', { array: true }) scopes: string[];
  /** Purposes its requests may state. */
  @Column('text', { array: true }) purposes: string[];
  /** A function mailbox for the city's integration team; null when none is registered. */
  @Column('jsonb', { nullable: true }) contact?: PartnerContact | null;
  @Column('boolean') active: boolean;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
}
