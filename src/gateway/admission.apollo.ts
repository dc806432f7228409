import { ApolloServerPlugin, HeaderMap, HTTPGraphQLResponse } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { isDependencyFailure, serviceUnavailable } from '../shared/errors';
import { Admission, formatErrors, Refusal, Verdict } from './admission';
import { GatewayContext } from './context';

/**
 * Admission for HTTP operations: Apollo Server reads the request (GET/POST, CSRF, no batches), the
 * gateway authenticates it (context), and then, before Apollo looks at the document, admission
 * decides. An admitted operation continues with its resolved text (Apollo parses it again but does
 * not validate it again: the server runs with `dangerouslyDisableValidation`, admission validated it
 * against the same schema). A refusal is handed to the context's onRefusal and thrown: Apollo
 * stops, and the HTTP handler answers with the refusal (refusalResponse), all of its errors included.
 * A query's rate-limit check may still be under way when it runs: its answer waits for the check.
 */
export function admissionPlugin(admission: Admission): ApolloServerPlugin<GatewayContext> {
  const thrown = new WeakSet<Error>();
  return {
    async requestDidStart({ request, contextValue }) {
      const caller = { partner: contextValue.actor.partner, log: contextValue.log };
      const { query, extensions, operationName, variables } = request;
      let verdict: Verdict;
      try {
        verdict = await admission.admit(caller, {
          transport: 'http',
          method: request.http?.method,
          query,
          extensions,
          operationName,
          variables,
        });
      } catch (err) {
        if (!isDependencyFailure(err)) throw err;
        // Registered documents could not be read: SERVICE_UNAVAILABLE (HTTP 503), not an internal error.
        const unavailable = serviceUnavailable();
        thrown.add(unavailable);
        throw unavailable;
      }
      if (!verdict.admitted) {
        contextValue.onRefusal?.(verdict);
        // Where no handler answers with the refusal (Apollo's executeOperation), Apollo answers its first error.
        const [first] = verdict.errors;
        const http = { status: verdict.status, headers: new HeaderMap(Object.entries(verdict.headers)) };
        const { nodes, source, positions } = first;
        const extended = { ...first.extensions, http };
        const error = new GraphQLError(first.message, { nodes, source, positions, extensions: extended });
        thrown.add(error);
        throw error;
      }
      request.query = verdict.text;
      request.extensions = verdict.extensions;
      const pendingLimit = verdict.pendingLimit;
      if (!pendingLimit) return;
      return {
        // The query ran while its rate limit was checked; its answer leaves only once the check passed.
        async willSendResponse({ response }) {
          const refused = await pendingLimit;
          if (!refused) return;
          contextValue.onRefusal?.(refused);
          // Where no handler answers with the refusal: its errors alone, nothing of the data.
          response.body = { kind: 'single', singleResult: { errors: formatErrors(refused.errors) } };
          response.http.status = refused.status;
          for (const [name, value] of Object.entries(refused.headers)) response.http.headers.set(name, value);
        },
      };
    },
    // Apollo hands errors thrown before execution here; rethrowing makes this error the response.
    async unexpectedErrorProcessingRequest({ error }) {
      if (thrown.has(error)) throw error;
    },
  };
}

/** A refusal as an HTTP response, in the content type Apollo chose for the request. */
export function refusalResponse(refusal: Refusal, answered: HTTPGraphQLResponse): HTTPGraphQLResponse {
  const contentType = answered.headers.get('content-type') ?? 'application/json; charset=utf-8';
  const headers = new HeaderMap([['content-type', contentType]]);
  for (const [name, value] of Object.entries(refusal.headers)) headers.set(name, value);
  const body = JSON.stringify({ errors: formatErrors(refusal.errors) });
  return { status: refusal.status, headers, body: { kind: 'complete', string: body } };
}
