/** The shapes of the demo data (plain objects, ready to load through the services). */
import type { DemoCourse, DemoCourseProvider } from './demo-courses';
import type { ResidenceStatusCode } from './demo-residence';

export type DemoSex = 'female' | 'male' | 'diverse' | 'unknown';

export interface DemoHousehold {
  id: string;
  municipalityKey: string;
}

export interface DemoResidence {
  status: ResidenceStatusCode;
  validFrom: string;
  validUntil?: string;
  residenceObligation: boolean;
  workPermitted: boolean;
  integrationCourseObligation: boolean;
}

export interface DemoJobcenterRecord {
  customerNumber: string;
  householdCommunityNumber: string;
  benefitStatus: 'applied' | 'receiving' | 'suspended' | 'ended';
  startedOn: string;
}

export interface DemoPerson {
  id: string;
  givenName: string;
  familyName: string;
  nameVariants: string[];
  birthDate: string;
  sex: DemoSex;
  nationalities: string[];
  languages: string[];
  municipalityKey: string;
  address: { street: string; houseNumber: string; postalCode: string; locality: string; district: string };
  householdId: string;
  registeredAt: string;
  /** Oldest first. */
  residence: DemoResidence[];
  azrNumber?: string;
  jobcenter?: DemoJobcenterRecord;
  /** Former unaccompanied minor (eUMA) in youth welfare, turning 18 soon. */
  unaccompaniedMinor?: boolean;
}

export interface DemoData {
  households: DemoHousehold[];
  persons: DemoPerson[];
  providers: DemoCourseProvider[];
  courses: DemoCourse[];
}

export interface DemoDataOptions {
  seed?: number;
  persons?: number;
  today?: string;
}
