import { DataSource, QueryRunner } from 'typeorm';

/** TypeORM keeps the savepoint depth protected; 1 is the outermost transaction. */
const depthOf = (qr: QueryRunner): number => (qr as unknown as { transactionDepth: number }).transactionDepth;

/** Writes what was queued on a transaction, inside it, right before its COMMIT. */
export type CommitWriter<T> = (qr: QueryRunner, items: T[]) => Promise<void>;

/**
 * Items queued on an open transaction and written as its last statements before COMMIT, all at
 * once (TypeORM's `beforeTransactionCommit`, which the commit awaits: a failing write fails the
 * commit and the transaction rolls back). A rolled-back transaction or savepoint drops what was
 * queued inside it; a released savepoint hands its items on to the enclosing level.
 */
export class AtCommit<T> {
  private readonly queued = new WeakMap<QueryRunner, Array<{ depth: number; items: T[] }>>();
  private readonly hooked = new WeakSet<DataSource>();

  constructor(private readonly write: CommitWriter<T>) {}

  queue(qr: QueryRunner, items: T[]): void {
    if (!qr.isTransactionActive) throw new Error('AtCommit.queue needs an open transaction');
    this.hook(qr.connection);
    const list = this.queued.get(qr) ?? [];
    list.push({ depth: depthOf(qr), items });
    this.queued.set(qr, list);
  }

  /** Once per DataSource: its transactions' commits and rollbacks come here. */
  private hook(ds: DataSource): void {
    if (this.hooked.has(ds)) return;
    this.hooked.add(ds);
    ds.subscribers.push({
      beforeTransactionCommit: ({ queryRunner }) => this.beforeCommit(queryRunner),
      beforeTransactionRollback: ({ queryRunner }) => this.beforeRollback(queryRunner),
    });
  }

  private async beforeCommit(qr: QueryRunner): Promise<void> {
    const list = this.queued.get(qr);
    if (!list?.length) return;
    const depth = depthOf(qr);
    if (depth > 1) {
      for (const q of list) if (q.depth >= depth) q.depth = depth - 1;
      return;
    }
    this.queued.delete(qr);
    await this.write(
      qr,
      list.flatMap((q) => q.items),
    );
  }

  private beforeRollback(qr: QueryRunner): void {
    const list = this.queued.get(qr);
    if (!list) return;
    const depth = depthOf(qr);
    const kept = list.filter((q) => q.depth < depth);
    if (kept.length) this.queued.set(qr, kept);
    else this.queued.delete(qr);
  }
}
