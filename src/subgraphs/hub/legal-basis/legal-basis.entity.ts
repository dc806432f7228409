import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A statute that lets a recipient process one category of personal data for one purpose.
 * Each row is also an entry in the records of processing activities (DSGVO Art. 30).
 */
@Entity({ name: 'legal_basis' })
export class LegalBasisEntity {
  @PrimaryColumn('uuid') id: string;
  /** The partner that transmits the data, when the basis is a transfer (e.g. SGB X § 69); null for own collection. */
  @Column('text', { name: 'source_partner', nullable: true }) sourcePartner: string | null;
  @Column('text', { name: 'recipient_partner' }) recipientPartner: string;
  @Column('text') category: string;
  @Column('text') purpose: string;
  @Column('text') statute: string;
  @Column('text') description: string;
  /** Holds only for persons with an open referral to the recipient for this purpose (from the source partner, if named). */
  @Column('boolean', { name: 'while_referral_open', default: false }) whileReferralOpen: boolean;
  @Column('date', { name: 'valid_from' }) validFrom: string;
  @Column('date', { name: 'valid_until', nullable: true }) validUntil: string | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  /** When an operator revoked it: from then on it allows nothing (the row stays for the register's history). */
  @Column('timestamptz', { name: 'revoked_at', nullable: true }) revokedAt?: Date | null;
}
