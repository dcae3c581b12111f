/**
 * Static audiences list people by identifier. An entry is a profile id or `type:value`
 * (`email:ada@example.com`); an email without a type is read as one.
 */
const TYPED = /^([a-z_]{1,32}):(.{1,256})$/;
const PROFILE_ID = /^[A-Za-z0-9_-]{1,100}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export type ParsedEntry = { entry: string } | { problem: string };

export function parseEntry(raw: string): ParsedEntry {
  const text = raw.trim();
  if (text === '') return { problem: 'is empty' };
  // Typed first: `email:ada@example.com` or `user_id:ada@corp.com` also look like an email address.
  const typed = TYPED.exec(text);
  if (typed) {
    const [, type, value] = typed as unknown as [string, string, string];
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
 * `profile_id` it has. Each bad row is reported with its line (the header is line 1).
 */
export function parseMembersCsv(csv: string): CsvImport {
  const lines = csv.split(/\r?\n/);
  const header = splitRow(lines[0] ?? '').map((cell) => cell.trim().toLowerCase());
  const column = ID_COLUMNS.find((name) => header.includes(name));
  if (!column)
    return {
      entries: [],
      problems: [{ line: 1, reason: `the header names none of ${ID_COLUMNS.join(', ')}` }],
    };
  const index = header.indexOf(column);
  const result: CsvImport = { entries: [], problems: [] };
  lines.slice(1).forEach((text, offset) => {
    const line = offset + 2;
    if (text.trim() === '') return;
    const cells = splitRow(text);
    if (cells.length !== header.length) {
      result.problems.push({ line, reason: `has ${cells.length} columns, the header ${header.length}` });
      return;
    }
    const cell = cells[index] ?? '';
    const typed = column === 'email' || column === 'user_id' ? `${column}:${cell.trim()}` : cell;
    const parsed = parseEntry(cell.trim() === '' ? '' : typed);
    if ('entry' in parsed) result.entries.push(parsed.entry);
    else result.problems.push({ line, reason: `${column} ${parsed.problem}` });
  });
  return result;
}

/** One CSV row's cells (RFC 4180 quoting: `"a, b"` and `""` inside quotes). */
function splitRow(text: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (quoted && char === '"' && text[i + 1] === '"') {
      cell += '"';
      i += 1;
    } else if (char === '"') quoted = !quoted;
    else if (char === ',' && !quoted) {
      cells.push(cell);
      cell = '';
    } else cell += char;
  }
  cells.push(cell);
  return cells;
}
