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
      fact: (id) => visits.statisticsFact(id),
      ids: (after, limit) => visits.ids(after, limit),
      ofPerson: (personId) => visits.ofPerson(personId),
    },
    cases: { fact: (id) => cases.statisticsFact(id), ids: (after, limit) => cases.ids(after, limit) },
    courses: { fact: (id) => offers.courseFact(id), ids: (after, limit) => offers.courseIds(after, limit) },
    enrolments: { fact: (id) => offers.enrolmentFact(id), ids: (after, limit) => offers.enrolmentIds(after, limit) },
    municipalityOf: async (personId) => (await persons.get(personId))?.municipalityKey ?? null,
  };
}
