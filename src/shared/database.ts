import { DataSource, EntitySchema, MixedList } from 'typeorm';

export interface DataSourceOptions {
  url: string;
  schema: string;
  entities: MixedList<Function | string | EntitySchema>;
  migrations: MixedList<Function | string>;
  poolSize: number;
  applicationName: string;
  /** A pg Client class, e.g. one that applies row-level security settings per connection. */
  client?: typeof import('pg').Client;
}

/** One DataSource per subgraph: each owns exactly one PostgreSQL schema and its own migrations table. */
export function createDataSource(opts: DataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: opts.url,
    schema: opts.schema,
    entities: opts.entities,
    migrations: opts.migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    applicationName: opts.applicationName,
    extra: { max: opts.poolSize, connectionTimeoutMillis: 10000, ...(opts.client ? { Client: opts.client } : {}) },
  });
}

/** Creates the schema if needed (the migrations table lives in it), then runs pending migrations. */
export async function migrate(ds: DataSource, schema: string): Promise<string[]> {
  await ds.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  const ran = await ds.runMigrations({ transaction: 'each' });
  return ran.map((m) => m.name);
}
