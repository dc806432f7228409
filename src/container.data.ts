import type { Client } from 'pg';
import { DataSource } from 'typeorm';
import { AUDIT_SCHEMA, auditMigrations } from './audit/audit.module';
import { SUBGRAPH_NAMES, SubgraphName } from './config';
import { IDEMPOTENCY_SCHEMA, idempotencyMigrations } from './idempotency/idempotency.module';
import { createDataSource, migrate } from './shared/database';
import { cityEntities, cityMigrations } from './subgraphs/city/city.subgraph';
import { coursesEntities, coursesMigrations } from './subgraphs/courses/courses.subgraph';
import { hubEntities, hubMigrations } from './subgraphs/hub/hub.subgraph';
import { jobcenterEntities, jobcenterMigrations } from './subgraphs/jobcenter/jobcenter.subgraph';

/**
 * Every PostgreSQL schema of a Lotse database with its entities and migrations: the four
 * subgraphs', the audit log's and the idempotency keys'. The container opens one pool per schema;
 * `migrateDatabase` migrates them all.
 */
const SCHEMAS: Array<{ schema: string; entities: Function[]; migrations: Function[] }> = [
  { schema: 'city', entities: [...cityEntities], migrations: [...cityMigrations] },
  { schema: 'jobcenter', entities: [...jobcenterEntities], migrations: [...jobcenterMigrations] },
  { schema: 'courses', entities: [...coursesEntities], migrations: [...coursesMigrations] },
  { schema: 'hub', entities: [...hubEntities], migrations: [...hubMigrations] },
  { schema: AUDIT_SCHEMA, entities: [], migrations: [...auditMigrations] },
  { schema: IDEMPOTENCY_SCHEMA, entities: [], migrations: [...idempotencyMigrations] },
];

/** Migrates every schema of one database, without Redis (tests' template database, tooling); returns what ran. */
export async function migrateDatabase(databaseUrl: string): Promise<string[]> {
  const ran: string[] = [];
  for (const { schema, entities, migrations } of SCHEMAS) {
    const ds = createDataSource({
      url: databaseUrl,
      schema,
      entities,
      migrations,
      poolSize: 1,
      applicationName: 'lotse-migrate',
    });
    await ds.initialize();
    try {
      ran.push(...(await migrate(ds, schema)));
    } finally {
      await ds.destroy();
    }
  }
  return ran;
}

/** One initialised pool per schema, each connection through `client` (row-level security). */
export async function openDataSources(
  databaseUrl: string,
  poolSize: number,
  client: typeof Client,
): Promise<{ dataSources: Record<SubgraphName, DataSource>; auditDs: DataSource; idempotencyDs: DataSource }> {
  const open = (schema: string) => {
    const { entities, migrations } = SCHEMAS.find((s) => s.schema === schema)!;
    const applicationName = `lotse-${schema}`;
    return createDataSource({ url: databaseUrl, schema, entities, migrations, poolSize, applicationName, client });
  };
  const dataSources = Object.fromEntries(SUBGRAPH_NAMES.map((name) => [name, open(name)])) as Record<
    SubgraphName,
    DataSource
  >;
  const auditDs = open(AUDIT_SCHEMA);
  const idempotencyDs = open(IDEMPOTENCY_SCHEMA);
  await Promise.all([...Object.values(dataSources), auditDs, idempotencyDs].map((ds) => ds.initialize()));
  return { dataSources, auditDs, idempotencyDs };
}
