import { FailedPrecondition, InvalidArgument, type PersonaFailure, Unavailable } from '@prism/errors';
import { type CallContext, pageTokenAfter, parseRequest, unary } from '@prism/grpc';
import type { PersonaServiceServer } from '@prism/proto/prism/persona/v1/persona';
import { v7 as uuidv7 } from 'uuid';
import { personaChanged, personaDeleted } from './events/persona-events.js';
import { retirePersona } from './handlers/strategy-events.js';
import { personaToProto } from './mapping.js';
import * as requests from './requests.js';
import { selectionHandlers } from './server-selection.js';
import type { PersonaServiceDeps } from './service-deps.js';

/** gRPC handlers: validate → load → domain rule → one document write (state + events). */
export function personaService(deps: PersonaServiceDeps): PersonaServiceServer {
  const { personas, strategyRefs } = deps.repos;
  const now = deps.clock ?? (() => new Date());

  /**
   * The projection may not have seen a deletion made a moment ago, so only its "deleted" is
   * final; otherwise the strategy service answers. When it cannot, a strategy the projection
   * knows is accepted: should its deletion arrive later, the persona is retired with it.
   */
  async function requireStrategy(call: CallContext, strategyId: string): Promise<void> {
    const known = await strategyRefs.statusOf(call.spaceId, strategyId);
    if (known !== 'deleted' && (await strategyConfirmed(call, strategyId, known === 'live'))) return;
    throw strategyNotFound(strategyId);
  }

  async function strategyConfirmed(call: CallContext, strategyId: string, known: boolean): Promise<boolean> {
    try {
      return await deps.strategy.strategyExists(call, strategyId);
    } catch (error) {
      if (known && error instanceof Unavailable) return true;
      throw error;
    }
  }

  return {
    createPersona: unary(async (call, request) => {
      const { spec } = parseRequest(requests.createPersonaRequest, request);
      await requireStrategy(call, spec.strategyId);
      const at = now();
      const doc = { _id: `persona_${uuidv7()}`, ...spec, createdAt: at, updatedAt: at };
      const created = await personas.insert(call.spaceId, doc, [
        personaChanged(call.cause, 'persona.created', { ...doc, version: 1 }),
      ]);
      // The strategy's deletion may have been handled between the check and the insert.
      if ((await strategyRefs.statusOf(call.spaceId, spec.strategyId)) === 'deleted') {
        await retirePersona(personas, call.cause, created);
        throw strategyNotFound(spec.strategyId);
      }
      return { persona: personaToProto(created) };
    }),

    getPersona: unary(async (call, request) => {
      const { personaId } = parseRequest(requests.getPersonaRequest, request);
      return { persona: personaToProto(await personas.get(call.spaceId, personaId)) };
    }),

    listPersonas: unary(async (call, request) => {
      const { strategyId, pageSize, pageToken } = parseRequest(requests.listPersonasRequest, request);
      const filter = strategyId ? { strategyId } : {};
      const page = await personas.list(call.spaceId, filter, pageSize, pageToken);
      const matches = await deps.matches(
        call,
        page.items.map((persona) => persona._id),
      );
      return {
        personas: page.items.map(personaToProto),
        nextPageToken: pageTokenAfter(page.nextAfter),
        ...matches,
      };
    }),

    updatePersona: unary(async (call, request) => {
      const { personaId, spec, expectedVersion } = parseRequest(requests.updatePersonaRequest, request);
      const current = await personas.get(call.spaceId, personaId);
      if (spec.strategyId !== current.strategyId) {
        throw new InvalidArgument([
          { field: 'spec.strategy_id', description: `is fixed once created (${current.strategyId})` },
        ]);
      }
      const version = expectedVersion || current.version;
      const event = personaChanged(call.cause, 'persona.updated', {
        _id: personaId,
        ...spec,
        version: version + 1,
      });
      const updated = await personas.update(call.spaceId, personaId, version, { ...spec, updatedAt: now() }, [
        event,
      ]);
      return { persona: personaToProto(updated) };
    }),

    /** Selections holding the persona are rewritten by the persona.deleted consumer. */
    deletePersona: unary(async (call, request) => {
      const { personaId, expectedVersion } = parseRequest(requests.deletePersonaRequest, request);
      const current = await personas.get(call.spaceId, personaId);
      const version = expectedVersion || current.version;
      await personas.remove(call.spaceId, personaId, version, [
        personaDeleted(call.cause, { _id: personaId, strategyId: current.strategyId, version: version + 1 }),
      ]);
      return {};
    }),

    ...selectionHandlers(deps),
  };
}

const strategyNotFound = (strategyId: string) =>
  new FailedPrecondition<PersonaFailure>(
    'STRATEGY_NOT_FOUND',
    `Strategy ${strategyId} does not exist or was deleted; create personas for an existing strategy.`,
  );
