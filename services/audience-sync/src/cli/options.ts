import { type Command, InvalidArgumentError } from 'commander';
import { z } from 'zod';

/**
 * `--audiences <host:port>`: audience-sync, which serves both the `audiences` and the
 * `destinations` groups; added once, by whichever group registers first.
 */
export function audienceSyncOption(program: Command): () => string {
  if (!program.options.some((option) => option.long === '--audiences'))
    program.option(
      '--audiences <host:port>',
      'audience-sync service',
      process.env.PRISM_AUDIENCE_ADDR ?? '127.0.0.1:50055',
    );
  return () => program.opts().audiences;
}

/** The items of a paged list, page after page (at most `largestPage` each), until the last page or `limit` items. */
export async function collect<T>(
  largestPage: number,
  page: (pageToken: string, pageSize: number) => Promise<{ items: T[]; next: string }>,
  limit = Number.POSITIVE_INFINITY,
): Promise<T[]> {
  const items: T[] = [];
  let token = '';
  do {
    const { items: more, next } = await page(token, Math.min(largestPage, limit - items.length));
    items.push(...more);
    token = next;
  } while (token && items.length < limit);
  return items.slice(0, limit);
}

export function positiveCount(value: string): number {
  const parsed = z.coerce.number().int().positive().safeParse(value);
  if (!parsed.success) throw new InvalidArgumentError('expected a whole number above 0');
  return parsed.data;
}
