import { CsvError, parse } from 'csv-parse/sync';

/**
 * Static audiences list people by identifier. An entry is a profile id or `type:value`
 * (`email:ada@example.com`); an email without a type is read as one.
 */
const TYPED = /^([A-Za-z_]{1,32}):(.{1,256})$/;
const PROFILE_ID = /^[A-Za-z0-9_-]{1,100}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export type ParsedEntry = { entry: string } | { problem: string };

export function parseEntry(raw: string): ParsedEntry {
  const text = raw.trim();
  if (text === '') return { problem: 'is empty' };
  // Typed first: `email:ada@example.com` or `user_id:ada@corp.com` also look like an email address.
  const typed = TYPED.exec(text);
  if (typed) {
    const [, written, value] = typed as unknown as [string, string, string];
    const type = written.toLowerCase();
    if (type === 'email' && !EMAIL.test(value)) return { problem: `"${value}" is not an email address` };
    return { entry: `${type}:${type === 'email' ? value.toLowerCase() : value}` };
  }
  if (EMAIL.test(text)) return { entry: `email:${text.toLowerCase()}` };
  if (PROFILE_ID.test(text)) return { entry: text };
  return { problem: `"${text.slice(0, 80)}" is neither a profile id nor type:value` };
}

export interface CsvImport {
  entries: string[];
  problems: { line: number; reason: string }[];
}

const ID_COLUMNS = ['identifier', 'email', 'user_id', 'profile_id'] as const;

/**
 * The identifiers of a CSV with a header row: the first of `identifier`, `email`, `user_id`,
 * `profile_id` it has. Each bad row is reported with its line (the header is line 1); a file
 * that stops being CSV (an unclosed quote) is reported at that line, with the rows before it kept.
 */
export function parseMembersCsv(csv: string): CsvImport {
  const result: CsvImport = { entries: [], problems: [] };
  const { rows, error } = readRows(csv);
  const [first, ...body] = rows;
  const header = (first?.record ?? []).map((cell) => cell.trim().toLowerCase());
  const column = ID_COLUMNS.find((name) => header.includes(name));
  if (!column)
    return {
      entries: [],
      problems: [{ line: 1, reason: `the header names none of ${ID_COLUMNS.join(', ')}` }],
    };
  const index = header.indexOf(column);
  for (const { record, line } of body) {
    if (record.length !== header.length) {
      result.problems.push({ line, reason: `has ${record.length} columns, the header ${header.length}` });
      continue;
    }
    const cell = (record[index] ?? '').trim();
    const typed = cell !== '' && (column === 'email' || column === 'user_id') ? `${column}:${cell}` : cell;
    const parsed = parseEntry(typed);
    if ('entry' in parsed) result.entries.push(parsed.entry);
    else result.problems.push({ line, reason: `${column} ${parsed.problem}` });
  }
  if (error) result.problems.push(error);
  return result;
}

interface Row {
  record: string[];
  /** The line the row starts on. */
  line: number;
}

/** RFC 4180 rows (quoted cells may hold commas, `""` and line breaks), each with the line it starts on. */
function readRows(csv: string): { rows: Row[]; error?: { line: number; reason: string } } {
  try {
    return { rows: rowsOf(csv) };
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    // "…with an opening quote at line N": the rows before the one that broke are still good.
    const line = Number(/at line (\d+)/.exec(error.message)?.[1] ?? (error as { lines?: number }).lines ?? 1);
    const before = csv
      .split(/\r\n|\n|\r/)
      .slice(0, Math.max(line - 1, 0))
      .join('\n');
    return { rows: rowsOf(before), error: { line, reason: `is not CSV from here: ${error.message}` } };
  }
}

function rowsOf(csv: string): Row[] {
  const read = parse(csv, {
    relax_column_count: true,
    skip_empty_lines: true,
    bom: true,
    info: true,
  }) as unknown as {
    record: string[];
    info: { lines: number };
  }[];
  return read.map(({ record, info }) => {
    // `lines` is where the row ends; line breaks inside its quoted cells move its start up.
    const inside = record.reduce((breaks, cell) => breaks + (cell.match(/\r\n|\n|\r/g)?.length ?? 0), 0);
    return { record, line: info.lines - inside };
  });
}
