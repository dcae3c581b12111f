import { describe, expect, it } from 'vitest';
import { CoalescedReads } from './coalesced-reads.js';

describe('CoalescedReads', () => {
  it('asks one query for the reads made while the previous one was out, and answers each its own', async () => {
    const queries: string[][] = [];
    let release: () => void = () => undefined;
    const reads = new CoalescedReads<string, string>(async (keys) => {
      queries.push(keys);
      if (queries.length === 1) await new Promise<void>((resolve) => (release = resolve));
      return new Map(keys.filter((key) => key !== 'missing').map((key) => [key, key.toUpperCase()]));
    });
    const first = reads.read('a');
    const later = ['b', 'c', 'missing'].map((key) => reads.read(key));
    release();
    expect(await first).toBe('A');
    expect(await Promise.all(later)).toEqual(['B', 'C', undefined]);
    expect(queries).toEqual([['a'], ['b', 'c', 'missing']]);
  });

  it('fails the reads of a failed query and keeps serving', async () => {
    let fail = true;
    const reads = new CoalescedReads<string, string>(async (keys) => {
      if (fail) throw new Error('down');
      return new Map(keys.map((key) => [key, key]));
    });
    await expect(reads.read('a')).rejects.toThrow('down');
    fail = false;
    expect(await reads.read('b')).toBe('b');
  });

  it('lingers for company when no query is out: reads made meanwhile share the first query', async () => {
    const queries: string[][] = [];
    const reads = new CoalescedReads<string, string>(
      async (keys) => {
        queries.push(keys);
        return new Map(keys.map((key) => [key, key]));
      },
      { lingerMs: 5 },
    );
    const first = reads.read('a');
    await new Promise((resolve) => setTimeout(resolve, 1));
    const second = reads.read('b');
    expect(await Promise.all([first, second])).toEqual(['a', 'b']);
    expect(queries).toEqual([['a', 'b']]);
  });
});
