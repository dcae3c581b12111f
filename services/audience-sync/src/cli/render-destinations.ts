import {
  type DeadLetter,
  type Destination,
  DestinationState,
  destinationKindToJSON,
  destinationStateToJSON,
} from '@prism/proto/prism/audience/v1/destinations';
import Table from 'cli-table3';
import { labelledLines, timeOf, wordOf } from './render.js';

const kindOf = (destination: Destination) =>
  wordOf(destinationKindToJSON(destination.kind), 'DESTINATION_KIND_').replaceAll('_', ' ');

/** Where a destination's sync stands: `in sync`, `retrying at … (why)`, `disabled`. */
export function syncLine(destination: Destination): string {
  const status = destination.status;
  const state = status?.state ?? DestinationState.DESTINATION_STATE_UNSPECIFIED;
  const word = wordOf(destinationStateToJSON(state), 'DESTINATION_STATE_').replaceAll('_', ' ');
  if (state === DestinationState.DESTINATION_STATE_RETRYING)
    return `${word} at ${timeOf(status?.nextRetryTime)} (${status?.lastError})`;
  return word;
}

/** What it sends: `audience pro_users` or `campaign cmp_…`. */
function sourceOf(destination: Destination): string {
  const source = destination.spec?.source;
  if (!source) return '—';
  return source.$case === 'audience'
    ? `audience ${destination.audienceKey || source.value}`
    : `campaign ${source.value}`;
}

/** Where it sends to, without secrets. */
function targetOf(destination: Destination): string {
  const settings = destination.spec?.settings;
  switch (settings?.$case) {
    case 'webhook':
      return settings.value.url;
    case 'meta':
      return `ad account ${settings.value.adAccountId}, custom audience ${settings.value.customAudienceId || '(created on first sync)'}`;
    case 'csv':
      return `${settings.value.fileName} (${settings.value.traitKeys.join(', ') || "the audience's traits"})`;
    default:
      return '—';
  }
}

/** The space's destinations, one row each. */
export function destinationsTable(destinations: Destination[]): string {
  const table = new Table({
    head: ['id', 'name', 'kind', 'source', 'sync', 'pending', 'added', 'removed', 'dead letters'],
  });
  for (const destination of destinations) {
    const status = destination.status;
    table.push([
      destination.id,
      destination.spec?.name ?? '',
      kindOf(destination),
      sourceOf(destination),
      syncLine(destination),
      String(status?.pending ?? 0),
      String(status?.membersAdded ?? 0),
      String(status?.membersRemoved ?? 0),
      String(status?.deadLetters ?? 0),
    ]);
  }
  return table.toString();
}

/** One destination, a line per field. */
export function destinationDetails(destination: Destination): string {
  const status = destination.status;
  return labelledLines([
    ['id', destination.id],
    ['name', destination.spec?.name ?? ''],
    ['kind', kindOf(destination)],
    ['source', sourceOf(destination)],
    ['target', targetOf(destination)],
    ['sync', syncLine(destination)],
    ['last sync', timeOf(status?.lastSyncTime)],
    ['pending', String(status?.pending ?? 0)],
    [
      'members',
      `${status?.membersAdded ?? 0} added, ${status?.membersRemoved ?? 0} removed, ${status?.membersFailed ?? 0} failed`,
    ],
    ['dead letters', String(status?.deadLetters ?? 0)],
    ['rate limit', `${destination.spec?.rateLimitPerSecond || 50} a second`],
    ['last error', status?.lastError || undefined],
    ['version', String(destination.version)],
  ]);
}

/** A destination's dead letters, one row each. */
export function deadLettersTable(letters: DeadLetter[]): string {
  const table = new Table({ head: ['id', 'profile', 'change', 'attempts', 'given up', 'last error'] });
  for (const letter of letters)
    table.push([
      letter.id,
      letter.profileId,
      letter.change,
      String(letter.attempts),
      timeOf(letter.deadTime),
      letter.lastError,
    ]);
  return table.toString();
}
