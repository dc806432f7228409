import type { PersonDirectory } from './shared/person-directory';
import { ArrivalStatistics } from './subgraphs/city/arrival/arrival.statistics';
import { CaseStatisticsReads } from './subgraphs/city/case/case.statistics';
import type { CitySubgraph } from './subgraphs/city/city.subgraph';
import { CourseStatisticsReads } from './subgraphs/courses/course/course.statistics';
import type { CoursesSubgraph } from './subgraphs/courses/courses.subgraph';
import type { IndicatorSources } from './subgraphs/hub/indicator/indicator.ports';

/**
 * The hub's indicator facts are made from the city's visits and cases and the courses' courses and
 * enrolments through this port only (ADR 0007): each owner reads its own schema and hands over
 * codes, days and counts. Asked inside the events job's or the CLI's system context, so every
 * municipality's records count; outside one, row security shows none.
 */
export function indicatorSources(
  city: CitySubgraph,
  courses: CoursesSubgraph,
  persons: PersonDirectory,
): IndicatorSources {
  const visits = new ArrivalStatistics(city.dataSource);
  const cases = new CaseStatisticsReads(city.dataSource);
  const offers = new CourseStatisticsReads(courses.dataSource, persons);
  return {
    visits: {
      facts: (ids) => visits.statisticsFacts(ids),
      ids: (after, limit) => visits.ids(after, limit),
      ofPerson: (personId) => visits.ofPerson(personId),
    },
    cases: { facts: (ids) => cases.statisticsFacts(ids), ids: (after, limit) => cases.ids(after, limit) },
    courses: { facts: (ids) => offers.courseFacts(ids), ids: (after, limit) => offers.courseIds(after, limit) },
    enrolments: {
      facts: (ids) => offers.enrolmentFacts(ids),
      ids: (after, limit) => offers.enrolmentIds(after, limit),
    },
    municipalitiesOf: async (personIds) =>
      new Map((await persons.many(personIds)).map((p) => [p.id, p.municipalityKey])),
  };
}
