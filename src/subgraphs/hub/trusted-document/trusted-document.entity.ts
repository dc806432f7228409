import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * An operation a partner system has registered (trusted documents): in production the gateway runs
 * only documents registered for the calling partner. See src/gateway/trusted-documents.ts.
 */
@Entity({ name: 'trusted_document' })
export class TrustedDocumentEntity {
  @PrimaryColumn('text') partner: string;
  /** sha256, lower-case hex, of the exact document text (UTF-8): what clients send as `sha256:<hash>`. */
  @PrimaryColumn('text') hash: string;
  /** The operation's name. */
  @Column('text') name: string;
  @Column('text') document: string;
  @Column('timestamptz', { name: 'registered_at' }) registeredAt: Date;
}
