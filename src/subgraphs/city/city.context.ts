import { Actor } from '../../shared/actor';
import { SubgraphContext } from '../subgraph';
import { loaderMany, loaderOne } from '../shared/loaders';
import { ArrivalReads } from './arrival/arrival.reads';
import { ArrivalService } from './arrival/arrival.service';
import { DuplicateService } from './duplicate/duplicate.service';
import { MunicipalityService } from './municipality/municipality.service';
import { PersonService } from './person/person.service';
import { ResidenceService } from './residence/residence.service';

export interface CityServices {
  persons: PersonService;
  residence: ResidenceService;
  municipalities: MunicipalityService;
  duplicates: DuplicateService;
  arrivals: ArrivalService;
  arrivalReads: ArrivalReads;
}

export function createCityLoaders(services: CityServices, actor: Actor) {
  return {
    person: loaderOne(
      (ids: readonly string[]) => services.persons.byIds(actor, ids),
      (p) => p.id,
    ),
    residenceHistory: loaderMany(
      (ids: readonly string[]) => services.residence.historyFor(actor, ids),
      (r) => r.personId,
    ),
    householdMembers: loaderMany(
      (ids: readonly string[]) => services.persons.byHouseholds(actor, ids),
      (p) => p.householdId!,
    ),
    municipality: loaderOne(
      (keys: readonly string[]) => services.municipalities.byKeys(keys),
      (m) => m.key,
    ),
    // Keyed by family: the household, or the person registered without one.
    arrivalVisits: loaderMany(
      (families: readonly string[]) => services.arrivalReads.byFamilies(actor, families),
      (v) => v.familyId,
    ),
  };
}

export type CityContext = SubgraphContext<ReturnType<typeof createCityLoaders>> & { services: CityServices };
