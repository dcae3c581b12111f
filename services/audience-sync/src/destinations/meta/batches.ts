import { hash } from 'node:crypto';
import { hasAnyValue, type MetaKey, type MetaRow, rowProblem } from './schema.js';

/** Rows as the caller has them: a list, or a stream (a large audience read page by page). */
export type RowSource = Iterable<MetaRow> | AsyncIterable<MetaRow>;

export interface RowBatch {
  rows: MetaRow[];
  /** No row follows: a replace session's `last_batch_flag`. */
  last: boolean;
}

/**
 * The rows in batches of at most `size`, each distinct row once and rows without any value left
 * out (`onSkipped` counts both), so no row is sent twice. A row that does not fit the schema (or
 * holds unhashed personal data) stops the upload before its batch is sent. A full batch is held back until the
 * next row arrives: only then is it known whether it is the last one.
 */
export async function* batchesOf(
  rows: RowSource,
  schema: readonly MetaKey[],
  size: number,
  onSkipped: () => void,
): AsyncGenerator<RowBatch> {
  const seen = new Set<string>();
  let filling: MetaRow[] = [];
  let full: MetaRow[] | undefined;
  for await (const row of rows) {
    const problem = rowProblem(schema, row);
    if (problem) throw new Error(`a row ${problem}; nothing of it was sent`);
    if (!hasAnyValue(row) || !firstSighting(seen, row)) {
      onSkipped();
      continue;
    }
    if (full) yield { rows: full, last: false };
    full = undefined;
    filling.push(row);
    if (filling.length === size) [full, filling] = [filling, []];
  }
  const final = full ?? filling;
  if (final.length > 0) yield { rows: final, last: true };
}

/**
 * Whether the row is new. Rows are remembered by a 16-byte digest, not their text (up to 14
 * 64-character hashes each): a million-row replace then holds tens of megabytes, not a gigabyte.
 * MD5 only tells rows apart here; nothing relies on it being hard to invert.
 */
function firstSighting(seen: Set<string>, row: MetaRow): boolean {
  const digest = hash('md5', row.join('\u001f'), 'base64');
  if (seen.has(digest)) return false;
  seen.add(digest);
  return true;
}
