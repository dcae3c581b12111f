import type {
  CampaignSegments,
  ContextInterpretation,
  Segment,
} from '@prism/proto/prism/segments/v1/segments';
import { describeRule, ruleFromProto } from '@prism/rules';
import Table from 'cli-table3';

const percent = (share: number) => `${(share * 100).toFixed(1)} %`;

/** The segments of a generation as a table a terminal shows well. */
export function segmentsTable(segments: CampaignSegments, width = process.stdout.columns || 120): string {
  const table = new Table({
    head: ['segment', 'size', 'who', 'where', 'interests & behaviours', 'pain points', 'rule (agreement)'],
    colWidths: columnWidths(width),
    wordWrap: true,
  });
  for (const segment of segments.segments) table.push(rowOf(segment));
  const header = `campaign ${segments.campaignId} · generation ${segments.generationId} · epoch ${segments.epoch} · ${segments.populationSize} profiles`;
  return `${header}\n${table.toString()}`;
}

function rowOf(segment: Segment): string[] {
  const agreement = segment.ruleAgreement;
  const rule = segment.rule ? describeRule(ruleFromProto(segment.rule, 'rule')) : '—';
  return [
    segment.name,
    `${segment.size}\n${percent(segment.share)}`,
    segment.demographicProfile,
    segment.geographicFocus,
    segment.interestsAndBehaviours.join('\n'),
    segment.painPoints.join('\n') || '—',
    agreement
      ? `${rule}\n(covers ${percent(agreement.coverage)}, precision ${percent(agreement.precision)})`
      : rule,
  ];
}

/** Splits the terminal width over the seven columns, never narrower than readable. */
function columnWidths(width: number): number[] {
  const shares = [0.12, 0.07, 0.17, 0.14, 0.2, 0.13, 0.17];
  const usable = Math.max(100, width) - shares.length - 1;
  return shares.map((share) => Math.max(9, Math.floor(usable * share)));
}

/** How the targeting context was read, for the lines under the table. */
export function contextSummary(context: ContextInterpretation | undefined): string {
  if (!context?.text) return '';
  const lines = [`context: "${context.text}"`];
  for (const { phrase, meaning } of context.understood) lines.push(`  understood "${phrase}" as ${meaning}`);
  if (context.unrecognised.length > 0) lines.push(`  not understood: ${context.unrecognised.join(', ')}`);
  return lines.join('\n');
}
