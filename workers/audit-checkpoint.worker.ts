import { UnrecoverableError } from 'bullmq';
import { Container } from '../src/container';
import { JobHandler, JobName } from '../src/jobs/job.registry';
import { maintenanceQueue, MaintenanceJobData, Queues } from '../src/jobs/queues';

/** The job scheduler's id for the audit log's checkpoints (one per installation and queue prefix). */
export const AUDIT_CHECKPOINT_SCHEDULER_ID = 'audit-checkpoint';

export type AuditCheckpointJobResult = { seq: number; rows: number; written: boolean };

/**
 * Verifies the audit log (against the newest stored checkpoint too) and stores a signed
 * checkpoint of its head. A chain that does not verify fails the job at once: retrying cannot
 * mend it, and signing it would make the change look legitimate.
 */
export function auditCheckpointHandler(container: Container): JobHandler<MaintenanceJobData> {
  return async (job, { log }): Promise<AuditCheckpointJobResult> => {
    const started = Date.now();
    let res;
    try {
      res = await container.audit.writeCheckpoint(`job:${job.id ?? 'unknown'}`);
    } catch (err) {
      // The message names rows and hashes only.
      if ((err as Error).message.startsWith('audit log BROKEN')) {
        log.error({ jobId: job.id, err: { message: (err as Error).message } }, 'audit log does not verify');
        throw new UnrecoverableError((err as Error).message);
      }
      throw err;
    }
    const { checkpoint, written } = res;
    log.info(
      { jobId: job.id, seq: checkpoint.seq, rows: checkpoint.rows, written, ms: Date.now() - started },
      'audit checkpoint',
    );
    return { seq: checkpoint.seq, rows: checkpoint.rows, written };
  };
}

/**
 * Creates or updates the checkpoint scheduler (every AUDIT_CHECKPOINT_EVERY_MINUTES; the first job
 * runs at once), or removes it when that is 0. Redis may have lost it, so this runs at every start
 * (and the maintenance worker's check re-creates it).
 */
export async function ensureAuditCheckpointSchedule(
  queue: Queues['maintenance'],
  container: Pick<Container, 'config'>,
): Promise<void> {
  const minutes = container.config.auditCheckpointEveryMinutes;
  if (minutes === 0) {
    await queue.removeJobScheduler(AUDIT_CHECKPOINT_SCHEDULER_ID);
    return;
  }
  await queue.upsertJobScheduler(
    AUDIT_CHECKPOINT_SCHEDULER_ID,
    { every: minutes * 60_000 },
    { name: 'checkpoint' satisfies JobName<typeof maintenanceQueue>, data: {}, opts: maintenanceQueue.options },
  );
}
