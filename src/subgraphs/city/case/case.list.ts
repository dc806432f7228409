import { DataSource } from 'typeorm';
import { Actor } from '../../../shared/actor';
import { encodeCursor, isUuid } from '../../../shared/ids';
import { requireScope } from '../../../shared/scopes';
import { decodeAfter, timestampPart, uuidPart } from '../../shared/connection.cursor';
import { Page, PageArgs, pageSize, toPage } from '../../shared/connection.types';
import { InputCheck } from '../../shared/validation';
import { CaseEntity } from './case.entity';
import { CASE_PHASES, CASE_TRACKS, CasePhase, CaseTrack } from './case.state';
import { WORKER_REF } from './case.service';

export interface CasesFilter {
  phase?: CasePhase | null;
  track?: CaseTrack | null;
  workerRef?: string | null;
  personId?: string | null;
  /** true: not closed; false: closed only. */
  open?: boolean | null;
}

/** The caller's own cases, newest opened first, in keyset pages (no other partner's case is ever listed). */
export class CaseList {
  constructor(private readonly ds: DataSource) {}

  async list(actor: Actor, args: PageArgs & { filter?: CasesFilter | null }): Promise<Page<CaseEntity>> {
    requireScope(actor, 'cases:write');
    const f = args.filter ?? {};
    const check = new InputCheck();
    if (f.phase != null) check.require(CASE_PHASES.includes(f.phase), 'phase is not a case phase', 'phase');
    if (f.track != null) check.require(CASE_TRACKS.includes(f.track), 'track is not a case track', 'track');
    if (f.workerRef != null) check.require(WORKER_REF.test(f.workerRef), 'workerRef is a code like cm-17', 'workerRef');
    if (f.personId != null) check.require(isUuid(f.personId), 'personId is not a valid id', 'personId');
    check.done();
    const first = pageSize(args.first);
    const qb = this.ds.manager.createQueryBuilder(CaseEntity, 'c').where('c.partner = :partner', {
      partner: actor.partner,
    });
    if (f.phase != null) qb.andWhere('c.phase = :phase', { phase: f.phase });
    if (f.track != null) qb.andWhere('c.track = :track', { track: f.track });
    if (f.workerRef != null) qb.andWhere('c.worker_ref = :workerRef', { workerRef: f.workerRef });
    if (f.personId != null) qb.andWhere('c.person_id = :personId', { personId: f.personId });
    if (f.open != null) qb.andWhere(f.open ? `c.phase <> 'closed'` : `c.phase = 'closed'`);
    const totalCount = args.count === false ? null : await qb.clone().getCount();
    if (args.after) {
      const [at, id] = decodeAfter(args.after, [timestampPart, uuidPart]);
      qb.andWhere('(c.opened_at, c.id) < (:at::timestamptz, :id::uuid)', { at, id });
    }
    const rows = await qb
      .orderBy('c.opened_at', 'DESC')
      .addOrderBy('c.id', 'DESC')
      .limit(first + 1)
      .getMany();
    return toPage(rows, first, args.after, totalCount, (c) => encodeCursor([c.openedAt.toISOString(), c.id]));
  }
}
