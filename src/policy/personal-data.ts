import { Directive, MiddlewareFn, UseMiddleware } from 'type-graphql';
import { AppError } from '../shared/errors';
import { SubgraphContext } from '../subgraphs/subgraph';
import { DataCategory } from './policy.vocabulary';

export const PERSONAL_DATA_DIRECTIVE = 'personalData';
/** Reflect metadata key under which each guarded field or field resolver keeps its category. */
const CATEGORY_KEY = Symbol('lotse:personalData');

/** Whose data a field holds: by default the parent object's `personId`, else its `id` (for Person). */
export type PersonOf = (root: any) => string | null | undefined;
const defaultPersonOf: PersonOf = (root) => root?.personId ?? root?.id;

/**
 * Marks a field as personal data of a category. The category is visible to partners in the SDL
 * (`@personalData(category: "…")`), and the field resolves only when the caller's partner holds a
 * legal basis or the person's consent for that category and the purpose it stated; otherwise the
 * field is null with a FORBIDDEN error naming the category (never the value). Reads and denials
 * are recorded for the audit log.
 */
export function PersonalData(
  category: DataCategory,
  personOf: PersonOf = defaultPersonOf,
): PropertyDecorator & MethodDecorator {
  const directive = Directive(`@${PERSONAL_DATA_DIRECTIVE}(category: "${category}")`);
  const guard = UseMiddleware(enforce(category, personOf));
  return (target: object, key: string | symbol, descriptor?: PropertyDescriptor) => {
    // type-graphql drops a field resolver's directive when the class declares the field too, but
    // keeps its middleware: remembering what is guarded lets a test compare guard and SDL.
    Reflect.defineMetadata(CATEGORY_KEY, category, target, key);
    (directive as (t: object, k: string | symbol, d?: PropertyDescriptor) => void)(target, key, descriptor);
    (guard as (t: object, k: string | symbol, d?: PropertyDescriptor) => void)(target, key, descriptor);
  };
}

/** The category a field (class property) or field resolver (method) is guarded for, if any. */
export function guardedCategory(prototype: object, key: string | symbol): DataCategory | undefined {
  return Reflect.getMetadata(CATEGORY_KEY, prototype, key) as DataCategory | undefined;
}

function enforce(category: DataCategory, personOf: PersonOf): MiddlewareFn<SubgraphContext> {
  return async ({ root, context, info }, next) => {
    const personId = personOf(root);
    if (!personId) return next();
    const field = `${info.parentType.name}.${info.fieldName}`;
    const decision = await context.policy.decide(personId, category);
    if (!decision.allowed) {
      context.policy.record({ kind: 'denied', personId, category, field, basis: null });
      throw new AppError(
        'FORBIDDEN',
        context.actor.purpose
          ? `No legal basis or consent for ${category} data for the purpose ${context.actor.purpose}`
          : `State a purpose (Lotse-Purpose header) to see ${category} data`,
        { category, purpose: context.actor.purpose },
      );
    }
    context.policy.record({ kind: 'read', personId, category, field, basis: decision.basis });
    return next();
  };
}
