import { Actor, hasScope } from './actor';
import { AppError } from './errors';

/** OAuth2 scopes a partner can be registered for. */
export const SCOPES = [
  'persons:read',
  'persons:write',
  'residence:write',
  'jobcenter:read',
  'jobcenter:write',
  'courses:read',
  'courses:write',
  /** Issue, oblige, withdraw and transfer course entitlements (immigration offices, jobcenters). */
  'entitlements:write',
  'partners:read',
  'consent:write',
  'referrals:read',
  'referrals:write',
  'audit:read',
  'webhooks:manage',
  /** Case management, the eUMA track and arrival counselling visits (advice & support teams, youth welfare, NGOs). */
  'cases:write',
  /** Employer enquiries: an employer asks, the routed contact (immigration office, social worker) answers. */
  'enquiries:write',
  /** Client feedback on offers (anonymous by default). */
  'feedback:write',
  /** The report's indicators (aggregates only; also needs a legal basis for the purpose statistics). */
  'statistics:read',
  /** The city's configuration (partners, legal bases, agreements, retention rules): operator partners only. */
  'admin:manage',
] as const;
export type Scope = (typeof SCOPES)[number];

export function requireScope(actor: Actor, scope: Scope): void {
  if (!hasScope(actor, scope)) throw new AppError('FORBIDDEN', `This operation needs the scope ${scope}`, { scope });
}
