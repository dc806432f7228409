import { EVENT_TYPES, EventType, isEventOf } from '../events/event-types';
import type { OutboxEvent } from '../events/outbox.entity';
import { AppError } from '../shared/errors';
import { asylumGrantedRule } from './asylum-granted.rule';
import { eumaTurning18Rule } from './euma-turning-18.rule';
import { movedRule } from './moved.rule';
import { newArrivalRule } from './new-arrival.rule';
import type { Rule, RuleCheck, RuleDeps } from './rule-support';

/**
 * Automatic handovers: rules that run on domain events (in the events worker) and on their own
 * timers (the `rules` queue). Each rule is code in its own file; which rules run and their
 * parameters are configuration (RULES_ENABLED, RULE_*; see docs/operations.md).
 */
export const RULE_NAMES = ['asylum_granted', 'euma_turning_18', 'new_arrival', 'moved'] as const;
export type RuleName = (typeof RULE_NAMES)[number];

export interface RuleParams {
  /** asylum_granted: a status whose validFrom lies more days back than this is history, not a new decision. */
  asylumMaxAgeDays: number;
  /** euma_turning_18: how many months before the 18th birthday the handover is created. */
  eumaMonthsBefore: number;
  /** new_arrival: days from the proposal to the follow-up check. */
  arrivalFollowupDays: number;
  /** new_arrival: a person whose stated arrival lies more days back than this is settled, not newly arrived. */
  arrivalMaxAgeDays: number;
}

export interface RulesConfig {
  enabled: RuleName[];
  params: RuleParams;
}

export const DEFAULT_RULE_PARAMS: RuleParams = {
  asylumMaxAgeDays: 90,
  eumaMonthsBefore: 3,
  arrivalFollowupDays: 61,
  arrivalMaxAgeDays: 90,
};

/** The registry: a rule is on when its name is in RULES_ENABLED. */
const RULES: Record<RuleName, (deps: RuleDeps) => Rule> = {
  asylum_granted: asylumGrantedRule,
  euma_turning_18: eumaTurning18Rule,
  new_arrival: newArrivalRule,
  moved: movedRule,
};

/**
 * Reads RULES_ENABLED (comma list of rule names, `none` for none; unset: all) and the rules'
 * parameters with src/config.ts's own integer reader, so every problem is reported together.
 */
export function readRulesConfig(
  env: NodeJS.ProcessEnv,
  int: (name: string, def: number, min: number, max: number) => number,
  problems: string[],
): RulesConfig {
  const raw = env.RULES_ENABLED?.trim();
  let enabled: RuleName[] = [...RULE_NAMES];
  if (raw) {
    const names = raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const unknown = names.filter((n) => n !== 'none' && !(RULE_NAMES as readonly string[]).includes(n));
    if (unknown.length || (names.includes('none') && names.length > 1)) {
      problems.push(`RULES_ENABLED is a comma list of ${RULE_NAMES.join(', ')} (or none), got "${raw}"`);
    } else {
      enabled = names.includes('none') ? [] : RULE_NAMES.filter((n) => names.includes(n));
    }
  }
  return {
    enabled,
    params: {
      asylumMaxAgeDays: int('RULE_ASYLUM_MAX_AGE_DAYS', DEFAULT_RULE_PARAMS.asylumMaxAgeDays, 0, 3650),
      eumaMonthsBefore: int('RULE_EUMA_MONTHS_BEFORE', DEFAULT_RULE_PARAMS.eumaMonthsBefore, 0, 24),
      arrivalFollowupDays: int('RULE_ARRIVAL_FOLLOWUP_DAYS', DEFAULT_RULE_PARAMS.arrivalFollowupDays, 1, 730),
      arrivalMaxAgeDays: int('RULE_ARRIVAL_MAX_AGE_DAYS', DEFAULT_RULE_PARAMS.arrivalMaxAgeDays, 0, 3650),
    },
  };
}

export type RuleHook = (event: OutboxEvent, source: string) => Promise<void>;

export interface RuleSet {
  rules: Rule[];
  /** Per event type, the enabled rules' hooks in registry order (hub.consumers.ts composes them after the biography). */
  hooks: Partial<Record<EventType, RuleHook>>;
  /** Handles a due check of an enabled rule; 'disabled' when its rule is off (the check stays pending). */
  due(check: RuleCheck): Promise<string>;
}

/**
 * The enabled rules. A hook ignores events that occurred before its rule was switched on
 * (`enabledSince`, e.g. the demo data loaded before the workers' first start): rules act on what
 * happens, never on history. A refusal (AppError) is logged with its code and not retried;
 * anything else fails the event job, which is retried (every rule is idempotent).
 */
export function createRuleSet(
  deps: RuleDeps,
  enabled: readonly RuleName[],
  enabledSince: Map<RuleName, Date>,
): RuleSet {
  const rules = RULE_NAMES.filter((n) => enabled.includes(n)).map((n) => RULES[n](deps));
  const hooks: Partial<Record<EventType, RuleHook>> = {};
  const hookFor = <T extends EventType>(type: T): RuleHook | undefined => {
    const list = rules.flatMap((rule) => {
      const fn = rule.on[type];
      return fn ? [{ rule, fn }] : [];
    });
    if (!list.length) return undefined;
    return async (event) => {
      if (!isEventOf(event, type)) return;
      for (const { rule, fn } of list) {
        const since = enabledSince.get(rule.name);
        if (!since || event.occurredAt < since) continue;
        try {
          await fn(event);
        } catch (err) {
          if (!(err instanceof AppError)) throw err;
          deps.log.warn(
            { rule: rule.name, eventId: event.id, eventType: type, code: err.code },
            'rule refused; not retried',
          );
        }
      }
    };
  };
  for (const type of EVENT_TYPES) {
    const hook = hookFor(type);
    if (hook) hooks[type] = hook;
  }
  return {
    rules,
    hooks,
    async due(check) {
      const rule = rules.find((r) => r.name === check.rule);
      if (!rule?.due) return 'disabled';
      return rule.due(check);
    },
  };
}
