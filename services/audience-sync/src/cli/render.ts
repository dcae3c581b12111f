import {
  type Audience,
  type AudienceDay,
  audienceKindToJSON,
  ComputeState,
  computeStateToJSON,
  type Member,
} from '@prism/proto/prism/audience/v1/audience';
import { describeRule, ruleFromProto } from '@prism/rules';
import Table from 'cli-table3';

/** `AUDIENCE_KIND_DYNAMIC` → `dynamic`: enum names read as words. */
export const wordOf = (name: string, prefix: string) => name.replace(prefix, '').toLowerCase();
const kindOf = (audience: Audience) => wordOf(audienceKindToJSON(audience.kind), 'AUDIENCE_KIND_');
export const stateOf = (state: ComputeState | undefined) =>
  wordOf(computeStateToJSON(state ?? ComputeState.COMPUTE_STATE_UNSPECIFIED), 'COMPUTE_STATE_');

/** A timestamp to the second, in UTC: what an operator compares at a glance. */
export const timeOf = (time: Date | undefined) =>
  time ? `${time.toISOString().slice(0, 19).replace('T', ' ')}Z` : '—';

/** Where the computation stands: `live`, `building 40 %`, `failed: <why>`. */
export function statusLine(audience: Audience): string {
  const { status } = audience;
  const state = stateOf(status?.state);
  if (status?.state === ComputeState.COMPUTE_STATE_BUILDING)
    return `${state} ${Math.round(status.progress * 100)} %`;
  if (status?.state === ComputeState.COMPUTE_STATE_FAILED) return `${state}: ${status.error}`;
  return state;
}

/** The space's audiences, one row each. */
export function audiencesTable(audiences: Audience[]): string {
  const table = new Table({ head: ['key', 'kind', 'size', 'status', 'version', 'updated'] });
  for (const audience of audiences)
    table.push([
      audience.key,
      kindOf(audience),
      String(audience.size),
      statusLine(audience),
      String(audience.version),
      timeOf(audience.updateTime),
    ]);
  return table.toString();
}

/** Where a campaign audience comes from, e.g. `campaign cmp_1 · epoch 3 · segment seg_2`. */
function campaignLine(audience: Audience): string | undefined {
  const source = audience.campaign;
  if (!source?.campaignId) return undefined;
  const part = source.union
    ? 'union'
    : source.segmentId
      ? `segment ${source.segmentId}`
      : `persona ${source.personaId}`;
  return `campaign ${source.campaignId} · epoch ${source.epoch} · ${part}`;
}

/** One audience as `label  value` lines, the rule in one readable line. */
export function audienceDetails(audience: Audience): string {
  const rows: [string, string | undefined][] = [
    ['key', audience.key],
    ['id', audience.id],
    ['name', audience.name],
    ['description', audience.description || undefined],
    ['kind', kindOf(audience)],
    ['rule', audience.rule?.node ? describeRule(ruleFromProto(audience.rule)) : undefined],
    ['campaign', campaignLine(audience)],
    [
      'lookalike',
      audience.lookalike &&
        `${audience.lookalike.percent} % of the non-members most like ${audience.lookalike.seedAudienceKey}`,
    ],
    ['size', String(audience.size)],
    ['status', statusLine(audience)],
    ['computed', timeOf(audience.status?.lastComputedTime)],
    ['version', String(audience.version)],
    ['created', timeOf(audience.createTime)],
    ['updated', timeOf(audience.updateTime)],
  ];
  return labelledLines(rows);
}

/** `label  value` lines, the values aligned; rows without a value are left out. */
export function labelledLines(rows: [label: string, value: string | undefined][]): string {
  const shown = rows.filter((row): row is [string, string] => row[1] !== undefined);
  const width = Math.max(...shown.map(([label]) => label.length));
  return shown.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n');
}

/** Members with their identifiers and the traits the audience names. */
export function membersTable(members: Member[]): string {
  const table = new Table({ head: ['profile', 'identifiers', 'traits', 'entered'] });
  for (const member of members)
    table.push([
      member.profileId,
      member.identifiers.map(({ type, value }) => `${type}:${value}`).join('\n') || '—',
      Object.entries(member.traits ?? {})
        .map(([key, value]) => `${key} = ${JSON.stringify(value)}`)
        .join('\n') || '—',
      timeOf(member.enterTime),
    ]);
  return table.toString();
}

/** An audience's days, oldest first: who entered and exited, and its size at the end of each. */
export function analyticsTable(days: AudienceDay[]): string {
  const table = new Table({ head: ['date', 'entered', 'exited', 'size'] });
  for (const day of days) table.push([day.date, String(day.entered), String(day.exited), String(day.size)]);
  return table.toString();
}
