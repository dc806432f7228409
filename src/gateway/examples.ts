/**
 * Saved GraphiQL operations, each for the demo partner and purpose it is meant to run as. Values
 * (customer numbers, names, districts) are ones the deterministic demo data set produces: the
 * GraphiQL browser test runs every example on it and fails on errors or empty answers. Docs
 * quote these too.
 */
export const EXAMPLE_OPERATIONS: Array<{
  partner: string;
  purpose: string;
  title: string;
  query: string;
  variables?: Record<string, unknown>;
}> = [
  {
    partner: 'jobcenter-steinfurt',
    purpose: 'benefit_administration',
    title: 'Persons with city, jobcenter and biography data',
    query: `query PersonsOverview($first: Int, $after: String) {
  persons(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      node {
        id
        givenName
        familyName
        nameVariants
        nationalities
        address { district }
        residenceStatus { status validFrom }
        jobcenter { customerNumber benefitStatus }
        biography(first: 3) { type summary occurredAt }
      }
    }
  }
}`,
    variables: { first: 5 },
  },
  {
    partner: 'rheine-social',
    purpose: 'case_management',
    title: 'Search a name across transliterations',
    query: `query FindByName($name: String!) {
  persons(first: 10, filter: { name: $name }) {
    totalCount
    edges { node { givenName familyName nameVariants household { members { givenName birthDate } } } }
  }
}`,
    variables: { name: 'Muhammad' },
  },
  {
    partner: 'rheine-social',
    purpose: 'case_management',
    title: 'Case management: open cases, goals, help plan, and the worklist',
    query: `query Cases {
  cases(first: 10, filter: { open: true }) {
    totalCount
    edges { node { id phase track workerRef allowedActions
      goals { domain wording status targetOn }
      helpPlan { service provider referralStatus dueOn overdue }
      appointments { scheduledAt status } } }
  }
  caseWorklist(first: 10) { edges { node { reasons case { id phase } } } }
}`,
  },
  {
    partner: 'rheine-abh',
    purpose: 'residence_administration',
    title: 'Recognised refugees and their residence history',
    query: `query Residence {
  persons(first: 10, filter: { nationality: "SY" }) {
    edges { node { id familyName residenceHistory { status legalBasis validFrom residenceObligation } identifiers { system value } } }
  }
}`,
  },
  {
    partner: 'jobcenter-steinfurt',
    purpose: 'benefit_administration',
    title: 'A customer by customer number',
    query: `query Customer($customerNumber: String!) {
  jobcenterRecord(customerNumber: $customerNumber) {
    customerNumber
    benefitStatus
    householdCommunityNumber
    person { givenName familyName residenceStatus { status } }
  }
}`,
    variables: { customerNumber: '845D885381' },
  },
  {
    partner: 'vhs-rheine',
    purpose: 'integration_course_referral',
    title: 'Courses with childcare',
    query: `query Courses {
  courses(first: 20, filter: { childcare: true }) {
    totalCount
    edges { node { title kind targetLevel startsOn schedule capacity location provider { name } } }
  }
}`,
  },
  {
    partner: 'rheine-asylblg',
    purpose: 'benefit_administration',
    title: 'Persons and their current residence status',
    query: `query AsylumBenefits {
  persons(first: 10, filter: { nationality: "AF" }) {
    totalCount
    edges { node { id familyName residenceStatus { status legalBasis validFrom } jobcenter { benefitStatus } } }
  }
}`,
  },
  {
    partner: 'rheine-youth',
    purpose: 'youth_welfare',
    title: 'A household and its members',
    query: `query Household($district: String) {
  persons(first: 10, filter: { district: $district }) {
    edges { node { givenName birthDate household { members { givenName birthDate residenceStatus { status } } } } }
  }
}`,
    variables: { district: 'Dorenkamp' },
  },
  {
    partner: 'caritas-rheine',
    purpose: 'case_management',
    title: 'Courses for counselling',
    query: `query CourseOffer {\n  courses(first: 20) { totalCount edges { node { title kind targetLevel childcare location schedule } } }\n}`,
  },
  {
    partner: 'fbs-rheine',
    purpose: 'integration_course_referral',
    title: 'Who am I?',
    query: `query Viewer {\n  viewer { subject scopes partner { slug name kind jurisdiction } }\n}`,
  },
  {
    partner: 'rheine-dpo',
    purpose: 'data_protection_supervision',
    title: 'Register of legal bases (DSGVO Art. 30)',
    query: `query Register {\n  legalBases { recipientPartner sourcePartner purpose category statute description }\n}`,
  },
  {
    partner: 'rheine-it',
    purpose: 'system_administration',
    title: 'The configuration (admin API)',
    query: `query Configuration {
  configuration {
    partners { slug name kind active scopes purposes }
    legalBases { id recipientPartner purpose category statute validFrom validUntil revokedAt }
    cooperationAgreements { id receiver referralType acknowledgeDays decideDays startDays validFrom validUntil }
    retentionRules { id recordType category purpose retainDays action }
  }
}`,
  },
  {
    partner: 'rheine-youth',
    purpose: 'youth_welfare',
    title: 'Upcoming handovers (eUMA turning 18)',
    query: `query UpcomingHandovers {
  upcomingHandovers(within: 365, kind: euma_transfer, first: 20) {
    totalCount
    edges { node { id dueOn startsOn sender receiver person { givenName familyName birthDate } } }
  }
}`,
  },
  {
    partner: 'rheine-social',
    purpose: 'case_management',
    title: 'Unread notifications (the inbox)',
    query: `query Inbox {
  notifications(unreadOnly: true, first: 10) {
    totalCount
    unreadCount
    edges { node { id type occurredAt referral { id status sender receiver } person { id } } }
  }
}`,
  },
  {
    partner: 'vhs-rheine',
    purpose: 'integration_course_referral',
    title: 'Webhook endpoints and recent deliveries',
    query: `query Webhooks {
  webhookEndpoints(first: 5) { edges { node { id url eventTypes enabled disabledReason } } }
  webhookDeliveries(first: 10) { edges { node { id eventType status attemptCount nextAttemptAt attempts { at statusCode latencyMs error } } } }
}`,
  },
  {
    partner: 'arbeitsagentur-rheine',
    purpose: 'employer_service',
    title: 'Partner directory',
    query: `query Partners {\n  partners { slug name kind legalDomains jurisdiction }\n}`,
  },
  {
    partner: 'rheine-sozialplanung',
    purpose: 'statistics',
    title: 'The report’s indicators (small numbers suppressed)',
    query: `query Indicators {
  indicators(period: "2019", offer: null) {
    period { from to } minCount
    sets { label indicators { key label unit value numerator denominator suppressed suppression min max breakdown { label value suppressed suppression } } }
  }
}`,
  },
  {
    partner: 'elektro-brinkmann',
    purpose: 'employer_service',
    title: 'My employer enquiries and who answers them',
    query: `query MyEnquiries {\n  employerEnquiries(first: 10) { totalCount edges { node { id topic status question answer routedTo { name contact { name email phone } } } } }\n}`,
  },
];
