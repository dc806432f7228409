import { BenchStack } from './stack';

/** The operations the gateway suites send, each a fixed request body. */
export interface BenchQuery {
  name: string;
  title: string;
  body: string;
}

export function benchQueries(stack: BenchStack): BenchQuery[] {
  const op = (query: string, variables?: Record<string, unknown>) => JSON.stringify({ query, variables });
  return [
    {
      name: 'person',
      title: 'person(id) with residence status, jobcenter record and biography (city, jobcenter, hub)',
      body: op(
        `query BenchPerson($id: ID!) {
  person(id: $id) {
    id givenName familyName nationalities
    residenceStatus { status validFrom }
    jobcenter { customerNumber benefitStatus }
    biography(first: 5) { type summary occurredAt }
  }
}`,
        { id: stack.personId },
      ),
    },
    {
      name: 'persons',
      title: 'persons(first: 10) with residence status and jobcenter record',
      body: op(`query BenchPersons {
  persons(first: 10) {
    totalCount
    edges { node { id givenName familyName residenceStatus { status } jobcenter { benefitStatus } } }
  }
}`),
    },
    {
      name: 'courses',
      title: 'courses(first: 10) with their providers: no personal data',
      body: op(`query BenchCourses {
  courses(first: 10) {
    totalCount
    edges { node { id title kind targetLevel startsOn capacity childcare provider { name } } }
  }
}`),
    },
  ];
}
