import { DataSource } from 'typeorm';
import { Clock } from '../../../shared/time';
import { TrustedDocumentEntity } from './trusted-document.entity';

export interface TrustedDocumentInput {
  hash: string;
  name: string;
  document: string;
}

/**
 * The allow-list of operations per partner. Operators only (CLI `lotse documents`), never exposed
 * over GraphQL; the manifest is validated before it gets here (src/gateway/trusted-documents.ts).
 */
export class TrustedDocumentService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
  ) {}

  /** Every document registered for the partner, by name. */
  forPartner(partner: string): Promise<TrustedDocumentEntity[]> {
    return this.ds
      .getRepository(TrustedDocumentEntity)
      .find({ where: { partner }, order: { name: 'ASC', hash: 'ASC' } });
  }

  /**
   * Adds the documents in one transaction; a document already registered (same hash) keeps its
   * registration time and takes the new name. Documents not named here stay registered.
   */
  async register(partner: string, documents: TrustedDocumentInput[]): Promise<{ added: number; updated: number }> {
    const now = this.clock.now();
    return this.ds.transaction(async (tx) => {
      let added = 0;
      for (const d of documents) {
        const rows: Array<{ inserted: boolean }> = await tx.query(
          `INSERT INTO hub.trusted_document (partner, hash, name, document, registered_at) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (partner, hash) DO UPDATE SET name = excluded.name
           RETURNING (xmax = 0) AS inserted`,
          [partner, d.hash, d.name, d.document, now],
        );
        if (rows[0]?.inserted) added++;
      }
      return { added, updated: documents.length - added };
    });
  }
}
