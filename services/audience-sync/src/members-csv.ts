import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ExportMembersResponse, Member } from '@prism/proto/prism/audience/v1/audience';
import { valueAtPath } from '@prism/rules';
import { stringify } from 'csv-stringify';

/**
 * The identifier types an export always has a column for: the ones ad platforms match people
 * on. A person's other identifiers share one `other_identifiers` column as `type:value`. The
 * columns are known before the first member arrives, so the file is written as it streams.
 */
const IDENTIFIER_COLUMNS = ['email', 'phone', 'user_id', 'anonymous_id'] as const;
const KNOWN_TYPES: ReadonlySet<string> = new Set(IDENTIFIER_COLUMNS);

/** Values of one cell (two emails, say) are joined with this. */
const SEPARATOR = '; ';

export interface MembersCsvOptions {
  /** Trait paths, one column each after the identifiers. */
  traitPaths: readonly string[];
  /**
   * Prefix cells starting with `=`, `+`, `-` or `@` with `'`, so that a spreadsheet does not
   * run them as formulas (it also changes `+` phone numbers, which ad platforms expect as is).
   */
  escapeFormulas?: boolean;
}

/** The header: `profile_id`, the identifier columns, the trait paths, `entered_at`. */
export const memberColumns = (traitPaths: readonly string[]): string[] => [
  'profile_id',
  ...IDENTIFIER_COLUMNS,
  'other_identifiers',
  ...traitPaths,
  'entered_at',
];

/** One member as a row of `memberColumns`: lists and objects as JSON, a missing trait empty. */
export function memberRow(member: Member, traitPaths: readonly string[]): string[] {
  const valuesOf = (type: string) =>
    member.identifiers.filter((identifier) => identifier.type === type).map(({ value }) => value);
  const others = member.identifiers
    .filter(({ type }) => !KNOWN_TYPES.has(type))
    .map(({ type, value }) => `${type}:${value}`);
  return [
    member.profileId,
    ...IDENTIFIER_COLUMNS.map((type) => valuesOf(type).join(SEPARATOR)),
    others.join(SEPARATOR),
    ...traitPaths.map((path) => cellOf(valueAtPath(member.traits ?? {}, path))),
    member.enterTime?.toISOString() ?? '',
  ];
}

function cellOf(value: unknown): string {
  if (value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/**
 * Writes an export's batches to `out` as CSV (RFC 4180 quoting by csv-stringify), calling
 * `written` after each batch with its size and the export's total. Resolves once `out` has
 * everything (and is closed, unless it is stdout); a failing export or output stops both.
 */
export async function writeMembersCsv(
  batches: AsyncIterable<ExportMembersResponse>,
  out: Writable,
  options: MembersCsvOptions,
  written: (count: number, total: number) => void = () => {},
): Promise<void> {
  const { traitPaths } = options;
  async function* rows() {
    for await (const { members, total } of batches) {
      for (const member of members) yield memberRow(member, traitPaths);
      written(members.length, Number(total));
    }
  }
  const csv = stringify({
    header: true,
    columns: memberColumns(traitPaths),
    escape_formulas: options.escapeFormulas ?? false,
  });
  // Standard output stays open for whatever the program writes after the export.
  await pipeline(Readable.from(rows()), csv, out, { end: out !== process.stdout });
}
