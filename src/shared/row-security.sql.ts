/** SQL for the row-security migrations; the role name is fixed so migrations and config agree. */
export const APP_ROLE = 'lotse_app';

/** The non-superuser role the application acts as; created once per cluster. */
export const createAppRoleSql = `DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${APP_ROLE}') THEN CREATE ROLE ${APP_ROLE} NOLOGIN; END IF;
END $$`;

/** Data rights on every table of a schema, now and for tables later migrations create. */
export function grantSql(schema: string, rights = 'SELECT, INSERT, UPDATE, DELETE'): string[] {
  return [
    createAppRoleSql,
    `GRANT USAGE ON SCHEMA "${schema}" TO ${APP_ROLE}`,
    `GRANT ${rights} ON ALL TABLES IN SCHEMA "${schema}" TO ${APP_ROLE}`,
    `ALTER DEFAULT PRIVILEGES IN SCHEMA "${schema}" GRANT ${rights} ON TABLES TO ${APP_ROLE}`,
  ];
}

/** `<schema>.in_jurisdiction(key)`: true for the system ('*') or a key under one of the setting's prefixes; false when unset. */
export function jurisdictionFunctionSql(schema: string): string {
  return `CREATE FUNCTION "${schema}".in_jurisdiction(key text) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT coalesce(current_setting('lotse.jurisdiction', true), '') = '*'
        OR key LIKE ANY (SELECT p || '%' FROM unnest(string_to_array(nullif(current_setting('lotse.jurisdiction', true), ''), ',')) AS p)
  $$`;
}

/**
 * Rows are visible and changeable only inside the jurisdiction; a change may move a row out of it
 * (a person moving away), which the services allow.
 */
export function jurisdictionPolicySql(
  schema: string,
  table: string,
  predicate = `"${schema}".in_jurisdiction(municipality_key)`,
): string[] {
  return [
    `ALTER TABLE "${schema}"."${table}" ENABLE ROW LEVEL SECURITY`,
    `ALTER TABLE "${schema}"."${table}" FORCE ROW LEVEL SECURITY`,
    `CREATE POLICY jurisdiction ON "${schema}"."${table}" USING (${predicate}) WITH CHECK (true)`,
  ];
}

export function dropJurisdictionPolicySql(schema: string, table: string): string[] {
  return [
    `DROP POLICY jurisdiction ON "${schema}"."${table}"`,
    `ALTER TABLE "${schema}"."${table}" NO FORCE ROW LEVEL SECURITY`,
    `ALTER TABLE "${schema}"."${table}" DISABLE ROW LEVEL SECURITY`,
  ];
}
