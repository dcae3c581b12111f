import { type DestinationFailure, FailedPrecondition, InvalidArgument } from '@prism/errors';
import { type CallContext, parseRequest, unary } from '@prism/grpc';
import type { DestinationServiceServer } from '@prism/proto/prism/audience/v1/destinations';
import { v7 as uuidv7 } from 'uuid';
import * as requests from './destination-requests.js';
import { type DestinationDocument, newStatus, stateOf } from './destinations/destination.js';
import { destinationToProto } from './destinations/mapping.js';
import type { SensitivityPolicy } from './destinations/meta/sensitive.js';
import type { DestinationRegistry } from './destinations/registry.js';
import { sensitiveAudienceReason } from './destinations/sensitive-audience.js';
import { newWebhookSecret, rotateSecret } from './destinations/webhook/signing.js';
import { campaignAudienceKey } from './domain/campaign-selection.js';
import type { AudienceEngine } from './live/engine.js';
import { deadLetterHandlers } from './server-dead-letters.js';
import { audienceIn } from './service-deps.js';

export interface DestinationServiceDeps {
  engine: AudienceEngine;
  registry: DestinationRegistry;
  wake: (destinationIds: string[]) => void;
  /** Terms refused for ad platforms besides health and finances. */
  sensitivity: SensitivityPolicy;
}

/**
 * gRPC handlers of destinations: validate → store → the registry and the dispatcher learn of
 * the change at once (so the event feed queues for a new destination before its backfill is
 * taken). Sending happens in the dispatcher, never in a call.
 */
export function destinationService(deps: DestinationServiceDeps): DestinationServiceServer {
  const { engine, registry, wake } = deps;
  const { destinations, deliveries } = engine.deps.repos;

  const show = async (doc: DestinationDocument) => {
    const [pending, deadLetters] = await Promise.all([
      deliveries.count(doc.spaceId, doc._id, 'pending'),
      deliveries.count(doc.spaceId, doc._id, 'dead'),
    ]);
    return destinationToProto(doc, {
      pending,
      deadLetters,
      state: stateOf(doc, pending, new Date(engine.now())),
    });
  };
  /** Makes a stored change live: the registry first, then the dispatcher. */
  const adopt = (doc: DestinationDocument) => {
    registry.put(doc);
    wake([doc._id]);
    return doc;
  };

  return {
    createDestination: unary(async (call, request) => {
      const { spec } = parseRequest(requests.createDestinationRequest, request);
      const source = resolveSource(engine, call, spec);
      if (spec.meta) refuseSensitive(deps, call.spaceId, source.audienceKey);
      const at = new Date(engine.now());
      const webhookSecret = spec.webhook ? newWebhookSecret() : '';
      const doc: DestinationDocument = {
        _id: `destination_${uuidv7()}`,
        spaceId: call.spaceId,
        name: spec.name,
        ...source,
        ...settingsOf(spec, webhookSecret),
        rateLimitPerSecond: spec.rateLimitPerSecond,
        enabled: true,
        version: 1,
        status: newStatus(),
        backfillsRequested: 1,
        backfillsDone: 0,
        createdAt: at,
        updatedAt: at,
      };
      await destinations.insert(doc);
      return { destination: await show(adopt(doc)), webhookSecret };
    }),

    getDestination: unary(async (call, request) => {
      const { destinationId } = parseRequest(requests.destinationRequest, request);
      return { destination: await show(await destinations.get(call.spaceId, destinationId)) };
    }),

    listDestinations: unary(async (call, request) => {
      const { audience } = parseRequest(requests.listDestinationsRequest, request);
      const key = audience ? audienceIn(engine.space(call.spaceId), audience).key : undefined;
      const docs = await destinations.list(call.spaceId, key);
      return { destinations: await Promise.all(docs.map(show)) };
    }),

    updateDestination: unary(async (call, request) => {
      const { destinationId, spec, expectedVersion } = parseRequest(
        requests.updateDestinationRequest,
        request,
      );
      const current = await destinations.get(call.spaceId, destinationId);
      const source = resolveSource(engine, call, spec);
      if (source.audienceKey !== current.audienceKey)
        throw new InvalidArgument([
          { field: 'spec.audience', description: 'must stay the audience the destination was created for' },
        ]);
      const settings = settingsOf(spec, '');
      if (!settings[current.kind])
        throw new InvalidArgument([
          { field: `spec.${current.kind}`, description: `must stay ${current.kind} settings` },
        ]);
      if (current.kind === 'meta') refuseSensitive(deps, call.spaceId, current.audienceKey);
      const next: DestinationDocument = {
        ...current,
        name: spec.name,
        rateLimitPerSecond: spec.rateLimitPerSecond,
        ...(settings.webhook &&
          current.webhook && { webhook: { ...current.webhook, url: settings.webhook.url } }),
        ...(settings.meta && {
          meta: {
            ...settings.meta,
            accessToken: settings.meta.accessToken || (current.meta?.accessToken ?? ''),
          },
        }),
        ...(settings.csv && { csv: settings.csv }),
        version: current.version + 1,
        updatedAt: new Date(engine.now()),
      };
      await destinations.replace(next, expectedVersion || current.version);
      return { destination: await show(adopt(next)) };
    }),

    setDestinationEnabled: unary(async (call, request) => {
      const { destinationId, enabled } = parseRequest(requests.setDestinationEnabledRequest, request);
      const doc = enabled
        ? await destinations.requestBackfill(call.spaceId, destinationId, { enabled: true })
        : await destinations.update(call.spaceId, destinationId, {
            $set: { enabled: false, updatedAt: new Date(engine.now()) },
            $inc: { version: 1 },
          });
      return { destination: await show(adopt(doc)) };
    }),

    deleteDestination: unary(async (call, request) => {
      const { destinationId } = parseRequest(requests.destinationRequest, request);
      await destinations.remove(call.spaceId, destinationId);
      await registry.refresh(call.spaceId, destinationId);
      await deliveries.removeDestination(call.spaceId, destinationId);
      return {};
    }),

    resyncDestination: unary(async (call, request) => {
      const { destinationId } = parseRequest(requests.destinationRequest, request);
      const doc = await destinations.requestBackfill(call.spaceId, destinationId);
      return { destination: await show(adopt(doc)) };
    }),

    rotateWebhookSecret: unary(async (call, request) => {
      const { destinationId, graceSeconds } = parseRequest(requests.rotateWebhookSecretRequest, request);
      const current = await destinations.get(call.spaceId, destinationId);
      if (!current.webhook)
        throw new FailedPrecondition<DestinationFailure>(
          'WRONG_DESTINATION_KIND',
          `Destination ${destinationId} is a ${current.kind} destination; only webhooks have signing secrets.`,
        );
      const secrets = rotateSecret(current.webhook.secrets, new Date(engine.now()), graceSeconds * 1000);
      const next = { ...current, webhook: { ...current.webhook, secrets }, version: current.version + 1 };
      await destinations.replace(next, current.version);
      adopt(next);
      return { webhookSecret: secrets.current, previousSecretExpireTime: secrets.previous?.retiresAt };
    }),

    ...deadLetterHandlers(engine, wake),
  };
}

/** The audience a spec names, as the destination stores it. */
function resolveSource(engine: AudienceEngine, call: CallContext, spec: requests.ParsedSpec) {
  if (spec.campaignId)
    return { source: { campaignId: spec.campaignId }, audienceKey: campaignAudienceKey(spec.campaignId) };
  const audience = audienceIn(engine.space(call.spaceId), spec.audience ?? '');
  return { source: { audienceId: audience._id }, audienceKey: audience.key };
}

function settingsOf(spec: requests.ParsedSpec, webhookSecret: string) {
  return {
    kind: spec.webhook ? ('webhook' as const) : spec.meta ? ('meta' as const) : ('csv' as const),
    ...(spec.webhook && { webhook: { url: spec.webhook.url, secrets: { current: webhookSecret } } }),
    ...(spec.meta && { meta: spec.meta }),
    ...(spec.csv && { csv: spec.csv }),
  };
}

/** Before anything leaves Prism for an ad platform: not an audience of a sensitive category. */
function refuseSensitive(deps: DestinationServiceDeps, spaceId: string, audienceKey: string): void {
  const reason = sensitiveAudienceReason(deps.engine.space(spaceId), audienceKey, deps.sensitivity);
  if (reason)
    throw new FailedPrecondition<DestinationFailure>(
      'SENSITIVE_AUDIENCE',
      `This audience cannot be sent to an ad platform: ${reason}.`,
    );
}
