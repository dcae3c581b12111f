import { randomInt } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { MetaAudienceClient } from '@prism/audience-sync/destinations/meta/client.js';
import { type MetaPerson, metaRow } from '@prism/audience-sync/destinations/meta/normalise.js';
import {
  MAX_ROWS_PER_REQUEST,
  type MetaKey,
  type MetaRow,
} from '@prism/audience-sync/destinations/meta/schema.js';
import { FakeGraphApi } from '@prism/audience-sync/testing/fake-graph-api.js';
import { generatePopulation, segmentSpecTraitsOf } from '@prism/population';
import type { Figures } from './report.js';
import { memory, ms, peakRssMb, perSecond, summarize } from './stats.js';

const MEMBERS = Number(process.env.BENCH_DESTINATIONS_META_MEMBERS ?? 1_000_000);
const SCHEMA: readonly MetaKey[] = ['EMAIL', 'PHONE', 'FN', 'LN', 'COUNTRY'];

/**
 * A 1M-member audience to Meta, from the audience snapshot onwards (what meta-sync does on a
 * backfill): every member's row normalised and hashed (`metaRow`), then one `usersreplace`
 * session of 10,000-row requests (`MetaAudienceClient.replaceUsers`) to the fake Graph API on
 * loopback, which checks every row and holds the members. The engine's part (evaluating the
 * audience) is measured by the audiences benchmarks. The floor: the same requests, bodies
 * built beforehand, posted to a fresh fake.
 */
export async function benchMetaReplace(): Promise<Figures> {
  console.log(
    `  starts at the audience snapshot: ${MEMBERS.toLocaleString('en')} members as audience-sync's mirror ` +
      `holds them (Segment identify traits), schema ${SCHEMA.join(', ')}; the fake Graph API runs in this process`,
  );
  const generating = performance.now();
  const members = snapshotMembers(MEMBERS);
  console.log(`  members generated in ${((performance.now() - generating) / 1000).toFixed(1)} s (not timed)`);
  const normalising = performance.now();
  const rows = members.map((member) => metaRow(member, SCHEMA));
  const normaliseMs = performance.now() - normalising;
  members.length = 0;
  const upload = await replaceAll(rows);
  const floor = await postedFloor(distinctRows(rows));
  const totalMs = normaliseMs + upload.elapsedMs;
  // The fewest requests for the rows that differ: equal rows (no email or phone, same name and
  // country) are one person to Meta and sent once.
  const floorRequests = Math.ceil((MEMBERS - upload.rowsSkipped) / MAX_ROWS_PER_REQUEST);
  const rate = perSecond(MEMBERS, totalMs);
  console.log(
    `  ${MEMBERS.toLocaleString('en')} members to Meta in ${(totalMs / 1000).toFixed(1)} s = ${rate.toLocaleString('en')} rows/s: ` +
      `normalise + hash ${(normaliseMs / 1000).toFixed(1)} s (${((normaliseMs * 1000) / MEMBERS).toFixed(1)} µs a row), ` +
      `upload ${(upload.elapsedMs / 1000).toFixed(1)} s (batching, encoding, HTTP and the fake's checks)`,
  );
  console.log(
    `  ${upload.requests} requests (floor ${floorRequests} = ${(MEMBERS - upload.rowsSkipped).toLocaleString('en')} distinct rows / ${MAX_ROWS_PER_REQUEST.toLocaleString('en')}), ` +
      `per request p50 ${ms(upload.requestMs.p50)}, p99 ${ms(upload.requestMs.p99)}; the fake holds ` +
      `${upload.members.toLocaleString('en')} members, ${upload.violations} violations; ` +
      `${upload.rowsSkipped.toLocaleString('en')} rows equal to another (no email or phone, same name and country) sent once`,
  );
  console.log(
    `  floor (no normalising, bodies built beforehand): the same ${floor.requests} requests in ${(floor.elapsedMs / 1000).toFixed(1)} s ` +
      `= ${perSecond(MEMBERS, floor.elapsedMs).toLocaleString('en')} rows/s, per request p50 ${ms(floor.requestMs.p50)}, ` +
      `p99 ${ms(floor.requestMs.p99)}; the fake holds ${floor.members.toLocaleString('en')} members`,
  );
  const { heapMb } = memory();
  console.log(`  peak RSS ${peakRssMb().toFixed(0)} MB, heap now ${heapMb.toFixed(0)} MB\n`);
  const everyone = upload.members === upload.rowsSent && upload.rowsSent + upload.rowsSkipped === MEMBERS;
  if (!everyone || upload.violations > 0 || upload.requests !== floorRequests)
    throw new Error('the replace did not leave exactly the members on the fake in the fewest requests');
  const floorPeer = { name: 'the same requests, bodies built beforehand, to the fake', unit: 's' };
  return {
    'destinations.meta_1m_s': {
      value: round(totalMs / 1000),
      unit: 's',
      peer: { ...floorPeer, value: round(floor.elapsedMs / 1000) },
    },
    'destinations.meta_1m_normalise_s': { value: round(normaliseMs / 1000), unit: 's' },
    'destinations.meta_1m_upload_s': { value: round(upload.elapsedMs / 1000), unit: 's' },
    'destinations.meta_1m_rows_per_s': { value: rate, unit: 'rows/s' },
    'destinations.meta_1m_requests': {
      value: upload.requests,
      unit: 'requests',
      peer: { name: 'the floor: members / 10,000 rows a request', value: floorRequests, unit: 'requests' },
    },
  };
}

/**
 * Members as the snapshot gives them: user_id and email identifiers, and Segment's reserved
 * traits an identify carries (names, email, phone, the nested address with its country).
 */
function snapshotMembers(size: number): MetaPerson[] {
  const now = new Date();
  const members: MetaPerson[] = [];
  for (const person of generatePopulation({ seed: 11, size, now, historyDays: 1 })) {
    const { firstName, lastName, email, phone, address } = segmentSpecTraitsOf(person, { now });
    const identifiers = [{ type: 'user_id', value: person.id }];
    if (typeof email === 'string') identifiers.push({ type: 'email', value: email });
    members.push({ identifiers, traits: { firstName, lastName, email, phone, address } });
  }
  return members;
}

/** One replace session of every row, as meta-sync's backfill sends it; each request timed. */
async function replaceAll(rows: readonly MetaRow[]) {
  const fake = await FakeGraphApi.start();
  try {
    const audienceId = fake.createAudience();
    const client = new MetaAudienceClient({ baseUrl: fake.baseUrl, accessToken: fake.accessToken });
    const requestMs: number[] = [];
    const started = performance.now();
    let previous = started;
    const sent = await client.replaceUsers(audienceId, { schema: SCHEMA, rows: rows as MetaRow[] }, () => {
      const now = performance.now();
      requestMs.push(now - previous);
      previous = now;
    });
    const elapsedMs = performance.now() - started;
    const requests = fake.requests.filter((request) => request.operation === 'replace').length;
    const members = fake.members(audienceId).size;
    return {
      elapsedMs,
      requests,
      requestMs: summarize(requestMs),
      members,
      rowsSent: sent.rowsSent,
      rowsSkipped: sent.rowsSkipped,
      violations: fake.violations.length,
    };
  } finally {
    await fake.close();
  }
}

/** Each row once, as the client sends them (untimed: the floor's bodies are built beforehand). */
function distinctRows(rows: readonly MetaRow[]): MetaRow[] {
  const seen = new Set<string>();
  return rows.filter((row) => {
    const key = row.join('\u001f');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The same session's requests, each body form-encoded before its POST is timed. */
async function postedFloor(rows: readonly MetaRow[]) {
  const fake = await FakeGraphApi.start();
  try {
    const audienceId = fake.createAudience();
    const url = `${fake.baseUrl}/${audienceId}/usersreplace`;
    const sessionId = randomInt(1, 2 ** 48);
    const requestMs: number[] = [];
    for (let at = 0; at < rows.length; at += MAX_ROWS_PER_REQUEST) {
      const data = rows.slice(at, at + MAX_ROWS_PER_REQUEST);
      const session = {
        session_id: sessionId,
        batch_seq: at / MAX_ROWS_PER_REQUEST + 1,
        last_batch_flag: at + MAX_ROWS_PER_REQUEST >= rows.length,
        estimated_num_total: rows.length,
      };
      const body = new URLSearchParams({
        access_token: fake.accessToken,
        payload: JSON.stringify({ schema: SCHEMA, data }),
        session: JSON.stringify(session),
      }).toString();
      const sentAt = performance.now();
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
      await response.text();
      requestMs.push(performance.now() - sentAt);
      if (!response.ok) throw new Error(`the fake refused the floor's request ${session.batch_seq}`);
    }
    const elapsedMs = requestMs.reduce((sum, each) => sum + each, 0);
    return {
      elapsedMs,
      requests: requestMs.length,
      requestMs: summarize(requestMs),
      members: fake.members(audienceId).size,
    };
  } finally {
    await fake.close();
  }
}

const round = (value: number) => Math.round(value * 100) / 100;
