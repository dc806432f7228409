import { GraphQLError } from 'graphql';
import { RateLimiter } from '../../src/gateway/rate-limit';
import { eventually, startTestApp, TestApp } from '../helpers/app';

/**
 * The rate-limit check (a Redis round trip) does not hold up a query: the query runs while it is
 * under way, and its answer waits for it. A refused query answers with the refusal alone. A
 * mutation is not run before its check has passed. The check itself is held open here (a mocked
 * RateLimiter.check) so that the order is observed, not timed.
 */
describe('rate limits off the query path', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app?.stop());
  afterEach(() => jest.restoreAllMocks());

  /** The next check stays open until `decide` is called with its verdict (null: within the limits). */
  function holdCheck() {
    let decide!: (verdict: GraphQLError | null) => void;
    const verdict = new Promise<GraphQLError | null>((resolve) => (decide = resolve));
    const check = jest.spyOn(RateLimiter.prototype, 'check').mockImplementation(() => verdict);
    return { check, decide };
  }
  const over = () =>
    new GraphQLError('Rate limit of 3 operations per minute exceeded; retry in 42 s', {
      extensions: { code: 'RATE_LIMITED', limit: 'operations', retryAfter: 42 },
    });
  const post = async (partner: string, query: string, variables?: unknown) => {
    const res = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await app.token(partner)}` },
      body: JSON.stringify({ query, variables }),
    });
    return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as any };
  };
  const QUERY = '{ courses(first: 1) { totalCount } }';

  it('a query runs while its check is under way, and is answered only after the check passed', async () => {
    const { check, decide } = holdCheck();
    const courses = jest.spyOn(app.container.subgraphs.courses, 'createContext');
    let answered = false;
    const answer = post('caritas-rheine', QUERY).finally(() => (answered = true));
    await eventually(async () => courses.mock.calls.length > 0, 10_000, 5);
    expect(check).toHaveBeenCalledTimes(1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(answered).toBe(false);
    decide(null);
    const a = await answer;
    expect(a.status).toBe(200);
    expect(a.body.errors).toBeUndefined();
    expect(typeof a.body.data.courses.totalCount).toBe('number');
  });

  it('a query refused by its check answers 429 with the refusal alone: nothing of its data', async () => {
    const { decide } = holdCheck();
    const courses = jest.spyOn(app.container.subgraphs.courses, 'createContext');
    const answer = post('caritas-rheine', QUERY);
    await eventually(async () => courses.mock.calls.length > 0, 10_000, 5);
    decide(over());
    const a = await answer;
    expect(a.status).toBe(429);
    expect(a.retryAfter).toBe('42');
    expect(a.body).toEqual({
      errors: [
        {
          message: 'Rate limit of 3 operations per minute exceeded; retry in 42 s',
          extensions: { code: 'RATE_LIMITED', limit: 'operations', retryAfter: 42 },
        },
      ],
    });
  });

  it('a mutation is not run before its check passed; refused, it writes nothing', async () => {
    const { check, decide } = holdCheck();
    const city = jest.spyOn(app.container.subgraphs.city, 'createContext');
    const input = { givenName: 'Nadia', familyName: 'Pipelinova', municipalityKey: '05566076' };
    const answer = post(
      'rheine-social',
      'mutation($input: RegisterPersonInput!) { registerPerson(input: $input) { id } }',
      { input },
    );
    await eventually(async () => check.mock.calls.length > 0, 10_000, 5);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(city).not.toHaveBeenCalled();
    decide(over());
    const a = await answer;
    expect(a.status).toBe(429);
    expect(a.body.data).toBeUndefined();
    expect(city).not.toHaveBeenCalled();
    jest.restoreAllMocks();
    const persons = await post('rheine-social', '{ persons(filter: { name: "Pipelinova" }) { totalCount } }');
    expect(persons.body.data.persons.totalCount).toBe(0);
  });
});
