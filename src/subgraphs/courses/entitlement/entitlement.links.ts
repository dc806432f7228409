/**
 * What the courses subgraph needs from elsewhere for entitlements, as interfaces the container
 * wires (ADR 0007): partners' kinds from the hub, a person's municipality from the city. The
 * courses subgraph never reads those schemas itself.
 */
export interface CoursePartner {
  slug: string;
  kind: string;
  active: boolean;
  jurisdiction: string[];
  purposes: string[];
}

export interface CoursePartners {
  bySlug(slug: string): Promise<CoursePartner | null>;
}

export interface CoursePersons {
  /** The person's municipality (AGS) as the caller may see it (a request's jurisdiction), or null. */
  municipalityOf(personId: string): Promise<string | null>;
}

export interface CoursesLinks {
  partners: CoursePartners;
  persons: CoursePersons;
  /** ENTITLEMENT_LAPSE_DAYS: days without course activity after which an unused entitlement lapses. */
  entitlementLapseDays: number;
}

const unavailable = async (): Promise<never> => {
  throw new Error('not available while only the schema is built');
};

/** For building the schema alone (composition): nothing is ever asked. */
export const schemaOnlyLinks: CoursesLinks = {
  partners: { bySlug: unavailable },
  persons: { municipalityOf: unavailable },
  entitlementLapseDays: 365,
};

/** Partner kinds that issue entitlements: immigration offices, jobcenters and a federal office (the BAMF). */
export const ISSUER_KINDS = ['immigration_office', 'jobcenter', 'federal_office'] as const;
export const isIssuerKind = (kind: string | undefined): boolean =>
  (ISSUER_KINDS as readonly string[]).includes(kind ?? '');
