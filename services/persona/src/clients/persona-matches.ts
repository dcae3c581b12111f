import type { ServiceError } from '@grpc/grpc-js';
import { type CallContext, callUnary, deadlineWithin, forwardedMetadata } from '@prism/grpc';
import type {
  AudienceServiceClient,
  CountPersonaProfilesRequest,
  CountPersonaProfilesResponse,
  PersonaProfiles,
} from '@prism/proto/prism/audience/v1/audience';

/** A list answers without the counts rather than wait longer than this for them. */
const TIMEOUT_MS = 2_000;

/** How many profiles match each listed persona, or why that is unknown. */
export interface PersonaMatches {
  matching: PersonaProfiles[];
  spaceProfiles: number;
  matchingUnavailable: string;
}

/**
 * Asks audience-sync, with the caller's key, how many profiles of the space match each persona
 * by the rule its campaign audience would use. Personas are listed all the same when it cannot
 * answer: the counts are an aid, the personas are this service's own data.
 */
export function personaMatches(client: AudienceServiceClient) {
  return async (call: CallContext, personaIds: string[]): Promise<PersonaMatches> => {
    if (personaIds.length === 0) return { matching: [], spaceProfiles: 0, matchingUnavailable: '' };
    try {
      const answer = await callUnary<CountPersonaProfilesRequest, CountPersonaProfilesResponse>(
        client,
        client.countPersonaProfiles,
        forwardedMetadata(call),
        { personaIds },
        { deadline: deadlineWithin(call, TIMEOUT_MS) },
      );
      return { matching: answer.personas, spaceProfiles: answer.population, matchingUnavailable: '' };
    } catch (error) {
      const failure = error as ServiceError;
      return {
        matching: [],
        spaceProfiles: 0,
        matchingUnavailable: `audience-sync did not count the personas' profiles: ${failure.details || failure.message}`,
      };
    }
  };
}

export type PersonaMatchCounter = ReturnType<typeof personaMatches>;
