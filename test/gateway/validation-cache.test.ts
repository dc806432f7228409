import * as graphql from 'graphql';
import { startTestApp, TestApp } from '../helpers/app';

// Counts validations: the real graphql-js runs underneath.
jest.mock('graphql', () => {
  const actual = jest.requireActual('graphql');
  return { ...actual, validate: jest.fn(actual.validate) };
});
const validate = graphql.validate as jest.MockedFunction<typeof graphql.validate>;

/** Admission validates a document text once per process; its variables and cost are checked per request. */
describe('valid documents are kept by admission', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app?.stop());

  const validationsOf = (text: string) =>
    validate.mock.calls.filter(([, document]) => document.loc?.source.body === text).length;

  it('validates the same text once for many requests', async () => {
    const query = 'query Courses($n: Int) { courses(first: $n) { totalCount } }';
    for (const n of [1, 2, 3]) {
      const a = await app.gql('caritas-rheine', query, { n });
      expect(a.body.errors).toBeUndefined();
    }
    expect(validationsOf(query)).toBe(1);
    // The variables are still checked per request.
    const bad = await app.gql('caritas-rheine', query, { n: 'three' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('an invalid text is refused every time, with the same errors', async () => {
    const query = '{ courses(first: 1) { totalCount noSuchField } }';
    const first = await app.gql('caritas-rheine', query);
    const second = await app.gql('caritas-rheine', query);
    expect(first.status).toBe(400);
    expect(first.body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(second.body).toEqual(first.body);
  });
});
