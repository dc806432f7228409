import { GraphQLError } from 'graphql';
import { QueryFailedError, QueryRunnerAlreadyReleasedError, QueryRunnerProviderAlreadyReleasedError } from 'typeorm';
import { badInput, formatError, isDependencyFailure } from '../../src/shared/errors';

/** The one classification of "a dependency is unreachable" (src/shared/errors.ts), on the shapes drivers throw. */
describe('isDependencyFailure', () => {
  const sys = (code: string) =>
    Object.assign(new Error(`connect ${code} 127.0.0.1:5432`), { code, syscall: 'connect' });
  const pg = (code: string, message: string) => Object.assign(new Error(message), { code, severity: 'FATAL' });

  it.each([
    ['a refused connection', sys('ECONNREFUSED')],
    ['a reset connection', sys('ECONNRESET')],
    ['a host that cannot be resolved', sys('ENOTFOUND')],
    ['PostgreSQL shutting down', pg('57P01', 'terminating connection due to administrator command')],
    ['PostgreSQL starting up', pg('57P03', 'the database system is starting up')],
    ['PostgreSQL without free connection slots', pg('53300', 'sorry, too many clients already')],
    ['a PostgreSQL connection exception', pg('08006', 'connection failure')],
    ['node-postgres: the server went away', new Error('Connection terminated unexpectedly')],
    ['node-postgres: connect timeout', new Error('Connection terminated due to connection timeout')],
    ['pg-pool: no connection in time', new Error('timeout exceeded when trying to connect')],
    ['ioredis: closed connection', new Error('Connection is closed.')],
    [
      'ioredis: retries exhausted',
      Object.assign(new Error('Reached the max retries per request limit (which is 1).'), {
        name: 'MaxRetriesPerRequestError',
      }),
    ],
    ['TypeORM wrapping a driver error', new QueryFailedError('SELECT 1', [], sys('ECONNREFUSED'))],
    // The next query of a transaction whose connection PostgreSQL terminated (F5, test/faults/postgres-restart.test.ts).
    ['TypeORM: the transaction lost its connection', new QueryRunnerAlreadyReleasedError()],
    [
      'TypeORM: the transaction lost its connection (EntityManager.query)',
      new QueryRunnerProviderAlreadyReleasedError(),
    ],
    ['a GraphQL error around one', new GraphQLError('x', { originalError: sys('ECONNREFUSED') })],
    ['a cause chain', new Error('lookup failed', { cause: new Error('inner', { cause: sys('ETIMEDOUT') }) })],
    ['an AggregateError (IPv4 and IPv6 refused)', new AggregateError([sys('ECONNREFUSED'), sys('ECONNREFUSED')])],
    ['a value graphql-js did not take for an Error', { name: 'NonErrorThrown', thrownValue: sys('ECONNREFUSED') }],
  ])('%s is one', (_what, error) => {
    expect(isDependencyFailure(error)).toBe(true);
  });

  it.each([
    ['a programming error', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a constraint violation', pg('23505', 'duplicate key value violates unique constraint')],
    ['a syntax error in SQL', pg('42601', 'syntax error at or near "SELEC"')],
    ['a domain error', badInput('bad', 'field')],
    ['nothing', undefined],
  ])('%s is not', (_what, error) => {
    expect(isDependencyFailure(error)).toBe(false);
  });

  it('formatError answers a lost connection as SERVICE_UNAVAILABLE; a deliberate answer keeps its code', () => {
    const lost = new GraphQLError('connect ECONNREFUSED 10.0.0.5:5432', { originalError: sys('ECONNREFUSED') });
    expect(formatError(lost.toJSON(), lost)).toEqual({
      message: 'A service Lotse depends on is unreachable; retry later',
      extensions: { code: 'SERVICE_UNAVAILABLE', retryAfter: 5 },
    });
    const input = badInput('The host of the webhook URL does not resolve', 'url');
    expect(formatError(input.toJSON(), input).extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'url' });
    const bug = new GraphQLError('relation "x" does not exist', { originalError: new Error('relation') });
    expect(formatError(bug.toJSON(), bug)).toMatchObject({
      message: 'Internal server error',
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
  });
});
