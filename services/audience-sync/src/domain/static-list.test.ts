import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseEntry, parseMembersCsv } from './static-list.js';

const word = fc.stringMatching(/^[A-Za-z0-9]{1,8}$/);
const email = fc
  .tuple(word, word, fc.constantFrom('com', 'IO', 'co.uk'))
  .map(([name, host, tld]) => `${name}@${host}.${tld}`);
const typedValue = fc.oneof(word, email, fc.string({ minLength: 1, maxLength: 20 }));

/** What people paste into a list: emails, typed identifiers, profile ids, and anything else. */
const rawEntries = fc.oneof(
  email,
  fc
    .tuple(fc.constantFrom('email', 'user_id', 'anonymous_id', 'phone'), typedValue)
    .map(([type, value]) => `${type}:${value}`),
  fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/),
  fc.string({ maxLength: 30 }),
  fc.tuple(fc.constantFrom(' ', '\t', ''), email, fc.constantFrom(' ', '')).map((parts) => parts.join('')),
);

/** A CSV cell as a spreadsheet writes it: quoted, quotes doubled. */
const quoted = (cell: string) => `"${cell.replaceAll('"', '""')}"`;

describe('a static list entry', () => {
  it('reads a bare email as an email identifier, lower-cased', () => {
    expect(parseEntry('  Ada.Lovelace@Example.COM ')).toEqual({ entry: 'email:ada.lovelace@example.com' });
  });

  it('keeps a typed entry as typed, lower-casing only email addresses', () => {
    expect(parseEntry('email:Ada@Example.com')).toEqual({ entry: 'email:ada@example.com' });
    expect(parseEntry('user_id:ABC-42')).toEqual({ entry: 'user_id:ABC-42' });
    expect(parseEntry('user_id:Ada@Corp.com')).toEqual({ entry: 'user_id:Ada@Corp.com' });
  });

  it('keeps a profile id as it is', () => {
    expect(parseEntry('prof_01HZX-9')).toEqual({ entry: 'prof_01HZX-9' });
  });

  it('says what is wrong with an entry it cannot read', () => {
    expect(parseEntry('   ')).toEqual({ problem: 'is empty' });
    expect(parseEntry('email:nobody')).toEqual({ problem: '"nobody" is not an email address' });
    expect(parseEntry('Ada Lovelace')).toEqual({
      problem: '"Ada Lovelace" is neither a profile id nor type:value',
    });
  });

  it('reads every entry it produced back as itself', () => {
    fc.assert(
      fc.property(rawEntries, (raw) => {
        const parsed = parseEntry(raw);
        if ('entry' in parsed) expect(parseEntry(parsed.entry)).toEqual(parsed);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('a members CSV', () => {
  it('reads the email column of quoted rows whose cells hold commas and doubled quotes', () => {
    const csv = [
      'Name, Email ',
      '"Lovelace, Ada",ADA@Example.com',
      '"Grace ""Amazing"" Hopper",grace@navy.mil',
    ].join('\n');
    expect(parseMembersCsv(csv)).toEqual({
      entries: ['email:ada@example.com', 'email:grace@navy.mil'],
      problems: [],
    });
  });

  it('reads an identifier column as entries, a user_id column as user ids', () => {
    expect(parseMembersCsv('identifier\nuser_id:7\nAda@X.io\nprof_1').entries).toEqual([
      'user_id:7',
      'email:ada@x.io',
      'prof_1',
    ]);
    expect(parseMembersCsv('user_id\nABC\nada@corp.com').entries).toEqual([
      'user_id:ABC',
      'user_id:ada@corp.com',
    ]);
  });

  it('takes the first known column by preference, not by position', () => {
    expect(parseMembersCsv('profile_id,email\np1,ada@x.io').entries).toEqual(['email:ada@x.io']);
  });

  it('reports each bad row with its line, counting blank lines and the header', () => {
    const csv = [
      'email,name',
      'ada@x.io,Ada',
      '',
      'not-an-email,Bob',
      'grace@x.io',
      ',Empty',
      'a,"b,c",d',
    ].join('\r\n');
    expect(parseMembersCsv(csv)).toEqual({
      entries: ['email:ada@x.io'],
      problems: [
        { line: 4, reason: 'email "not-an-email" is not an email address' },
        { line: 5, reason: 'has 1 columns, the header 2' },
        { line: 6, reason: 'email is empty' },
        { line: 7, reason: 'has 3 columns, the header 2' },
      ],
    });
  });

  it('reports a header that names no identifier column on line 1', () => {
    expect(parseMembersCsv('name,phone\nAda,123')).toEqual({
      entries: [],
      problems: [{ line: 1, reason: 'the header names none of identifier, email, user_id, profile_id' }],
    });
  });

  it('reads the entries of any quoted CSV as parseEntry reads them, and finds the bad rows', () => {
    const rows = fc.array(fc.tuple(rawEntries, fc.string({ maxLength: 12 })), { maxLength: 20 });
    fc.assert(
      fc.property(rows, (cells) => {
        const printable = cells.filter(([raw, note]) => !/[\r\n]/.test(raw + note));
        const csv = [
          'note,identifier',
          ...printable.map(([raw, note]) => `${quoted(note)},${quoted(raw)}`),
        ].join('\n');
        const parsed = printable.map(([raw]) => parseEntry(raw));
        const result = parseMembersCsv(csv);
        expect(result.entries).toEqual(parsed.flatMap((entry) => ('entry' in entry ? [entry.entry] : [])));
        expect(result.problems).toEqual(
          parsed.flatMap((entry, index) =>
            'problem' in entry ? [{ line: index + 2, reason: `identifier ${entry.problem}` }] : [],
          ),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('reads a quoted cell with a line break as one row and numbers later rows by their real line', () => {
    const csv = ['name,email', '"Ada\nLovelace",ada@x.io', 'Bob,not-an-email'].join('\n');
    expect(parseMembersCsv(csv)).toEqual({
      entries: ['email:ada@x.io'],
      problems: [{ line: 4, reason: 'email "not-an-email" is not an email address' }],
    });
  });

  it('keeps the rows before a quote that never closes and reports where the file stops being CSV', () => {
    const { entries, problems } = parseMembersCsv(['email', 'ada@x.io', '"bob@x.io'].join('\n'));
    expect(entries).toEqual(['email:ada@x.io']);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ line: 3, reason: expect.stringMatching(/^is not CSV/) });
  });
});

describe('a typed entry written with capitals', () => {
  it('reads the type case-insensitively', () => {
    expect(parseEntry('Email:Ada@X.io')).toEqual({ entry: 'email:ada@x.io' });
  });
});
