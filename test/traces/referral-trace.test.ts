import { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { SpanKind } from '@opentelemetry/api';
import { startTestApp, TestApp } from '../helpers/app';
import { RemoteGateway, startRemoteGateway } from '../helpers/remote-gateway';
import { createWebhookEndpoint, registerPersonViaApi } from '../factories';
import { deliveryIn, FAST_WEBHOOKS, referToVhs } from '../webhooks/fixtures';
import { Receiver, startReceiver } from '../webhooks/receiver';
import { ancestry, idOf, KeptSpans, parentOf, renderTrace, spansOfTrace, spanWhere, traceOf } from './trace.support';

/**
 * One referral, from the mutation to the partner's webhook, is one trace: gateway → subgraph →
 * outbox → relay → events worker → webhook delivery (docs/deployment.md#traces). Spans go to an
 * in-memory exporter given to the container; PostgreSQL, Redis, queues and receiver are real.
 */
describe('traces', () => {
  const exporter = new KeptSpans();
  const secret = 't'.repeat(48);
  const person = { givenName: 'Zerihun', familyName: 'Gebremariam', birthDate: '1987-11-23' };
  let app: TestApp;
  let receiver: Receiver;
  let endpointId: string;
  let personId: string;

  beforeAll(async () => {
    app = await startTestApp({
      workers: true,
      traceExporter: exporter,
      env: { ...FAST_WEBHOOKS, LOTSE_INTERNAL_SECRET: secret },
    });
    receiver = await startReceiver();
    endpointId = (
      await createWebhookEndpoint(app, 'vhs-rheine', { url: receiver.url, eventTypes: ['referral.requested'] })
    ).id;
    personId = await registerPersonViaApi(app, 'rheine-social', person);
  });
  afterAll(async () => {
    await receiver?.close();
    await app?.stop();
  });

  /** The trace of a referral: found by the outbox.append that names it, complete once its delivery has a span. */
  async function traceOfReferral(referralId: string): Promise<ReadableSpan[]> {
    const append = await spanWhere(
      exporter,
      (s) => s.name === 'outbox.append' && s.attributes['lotse.aggregate.id'] === referralId,
    );
    await spanWhere(
      exporter,
      (s) =>
        s.name === 'webhook.deliver' &&
        traceOf(s) === traceOf(append) &&
        s.attributes['lotse.webhook.outcome'] === 'succeeded',
    );
    return spansOfTrace(exporter, traceOf(append));
  }

  it('follows one referral from graphql.request to webhook.deliver in one trace, parent by parent', async () => {
    const referralId = await referToVhs(app, personId);
    const delivery = await deliveryIn(app, 'vhs-rheine', endpointId, ['succeeded']);
    const spans = await traceOfReferral(referralId);
    if (process.env.TRACE_TREE) console.log(renderTrace(spans));

    const [root] = spans.filter((s) => !parentOf(s));
    expect(root).toMatchObject({ name: 'graphql.request', kind: SpanKind.SERVER });
    expect(root.attributes).toMatchObject({
      'graphql.operation.type': 'mutation',
      'lotse.partner': 'jobcenter-steinfurt',
      // The partner's default purpose: the request stated none.
      'lotse.purpose': 'benefit_administration',
      'http.response.status_code': 200,
    });
    expect(root.attributes['lotse.request_id']).toEqual(expect.any(String));

    const deliver = spans.find((s) => s.name === 'webhook.deliver')!;
    expect(ancestry(spans, deliver)).toEqual([
      'graphql.request',
      'subgraph.call',
      'outbox.append',
      'outbox.publish',
      'event.handle',
      'event.consumer',
      'webhook.deliver',
    ]);
    const byId = new Map(spans.map((s) => [idOf(s), s]));
    const call = byId.get(parentOf(byId.get(parentOf(spans.find((s) => s.name === 'outbox.publish')!)!)!)!)!;
    expect(call.attributes).toMatchObject({ 'lotse.subgraph': 'hub', 'lotse.transport': 'in-process' });
    const append = spans.find((s) => s.name === 'outbox.append' && s.attributes['lotse.aggregate.id'] === referralId)!;
    const handle = spans.find(
      (s) => s.name === 'event.handle' && s.attributes['lotse.event.id'] === append.attributes['lotse.event.id'],
    )!;
    expect(handle.attributes).toMatchObject({
      'lotse.event.source': 'hub',
      'lotse.event.type': append.attributes['lotse.event.type'],
    });
    expect(byId.get(parentOf(deliver)!)!.attributes['lotse.consumer']).toBe('webhooks');
    expect(deliver.attributes).toMatchObject({
      'lotse.webhook.delivery_id': delivery.id,
      'lotse.webhook.endpoint_id': endpointId,
      'lotse.webhook.attempt': 1,
      'http.response.status_code': 204,
      'lotse.webhook.outcome': 'succeeded',
    });
    // The receiver is outside: no trace context leaves with the webhook.
    expect(receiver.received.at(-1)!.traceparent).toBeUndefined();

    // The outbox row keeps the trace context of its append.
    const [row] = await app.container.subgraphs.hub.dataSource.query(
      'SELECT trace_context FROM hub.outbox WHERE id = $1',
      [append.attributes['lotse.event.id']],
    );
    expect(row.trace_context).toBe(`00-${traceOf(append)}-${idOf(append)}-01`);
  });

  it('keeps a retried delivery in the trace: each attempt is the child of the one before', async () => {
    const failing = await startReceiver((_r, i) => ({ status: i === 0 ? 500 : 204 }));
    const ep = await createWebhookEndpoint(app, 'vhs-rheine', { url: failing.url, eventTypes: ['referral.requested'] });
    try {
      await referToVhs(app, personId);
      const delivery = await deliveryIn(app, 'vhs-rheine', ep.id, ['succeeded']);
      const second = await spanWhere(
        exporter,
        (s) =>
          s.name === 'webhook.deliver' &&
          s.attributes['lotse.webhook.delivery_id'] === delivery.id &&
          s.attributes['lotse.webhook.attempt'] === 2,
      );
      const first = exporter.getFinishedSpans().find((s) => idOf(s) === parentOf(second))!;
      expect(first.attributes).toMatchObject({
        'lotse.webhook.delivery_id': delivery.id,
        'lotse.webhook.attempt': 1,
        'http.response.status_code': 500,
        'lotse.webhook.outcome': 'retry',
      });
      expect(second.attributes).toMatchObject({
        'http.response.status_code': 204,
        'lotse.webhook.outcome': 'succeeded',
      });
      expect(ancestry(spansOfTrace(exporter, traceOf(second)), second)[0]).toBe('graphql.request');
    } finally {
      await app.gql('vhs-rheine', `mutation($id: ID!) { deleteWebhookEndpoint(id: $id) }`, { id: ep.id });
      await failing.close();
    }
  });

  describe('with the hub served over HTTP', () => {
    let remote: RemoteGateway;
    beforeAll(async () => {
      remote = await startRemoteGateway(app, ['hub'], secret, { traceExporter: exporter });
    });
    afterAll(() => remote?.close());

    it('carries the trace into the subgraph process (traceparent), and on to the webhook', async () => {
      const viaRemote = {
        async gql(partner: string | null, query: string, variables?: Record<string, unknown>) {
          const res = await fetch(`${remote.url}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${await app.token(partner!)}` },
            body: JSON.stringify({ query, variables }),
          });
          return { status: res.status, body: (await res.json()) as any };
        },
      };
      const referralId = await referToVhs(viaRemote as TestApp, personId);
      const spans = await traceOfReferral(referralId);
      if (process.env.TRACE_TREE) console.log(renderTrace(spans));
      const deliver = spans.find((s) => s.name === 'webhook.deliver')!;
      expect(ancestry(spans, deliver)).toEqual([
        'graphql.request',
        'subgraph.call',
        'subgraph.request',
        'outbox.append',
        'outbox.publish',
        'event.handle',
        'event.consumer',
        'webhook.deliver',
      ]);
      const request = spans.find((s) => s.name === 'subgraph.request')!;
      expect(request).toMatchObject({
        kind: SpanKind.SERVER,
        attributes: { 'lotse.subgraph': 'hub', 'lotse.partner': 'jobcenter-steinfurt' },
      });
      const call = spans.find((s) => idOf(s) === parentOf(request))!;
      expect(call).toMatchObject({
        kind: SpanKind.CLIENT,
        attributes: { 'lotse.subgraph': 'hub', 'lotse.transport': 'http' },
      });
      // Two processes' spans: the gateway's own, and the subgraph server's.
      expect(spans.find((s) => s.name === 'graphql.request')!.resource.attributes['service.name']).toBe(
        'lotse-gateway',
      );
    });
  });

  // Last: scans every span of this file's runs, the registration of the person included.
  it('records ids, never personal data: no name, birth date, address or webhook URL in any attribute', async () => {
    const spans = exporter.getFinishedSpans();
    expect(
      spans.filter((s) => s.name === 'outbox.append' && s.attributes['lotse.event.type'] === 'person.registered'),
    ).not.toHaveLength(0);
    const values = spans.flatMap((s) => Object.values(s.attributes).map((v) => String(v)));
    expect(values.length).toBeGreaterThan(50);
    const forbidden = [
      person.givenName,
      person.familyName,
      person.birthDate,
      personId,
      receiver.url,
      '/hooks',
      '127.0.0.1',
    ];
    for (const word of forbidden) expect(values.filter((v) => v.includes(word))).toEqual([]);
    // Nothing looks like a document or a query (variables, SQL).
    expect(values.filter((v) => /mutation\s*[({]|select |insert |\{/i.test(v))).toEqual([]);
  });
});
