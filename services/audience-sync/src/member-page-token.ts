import { z } from 'zod';
import type { MemberOrder, MemberPlace } from './index/member-order.js';

/**
 * A ListMembers page token (base64url JSON, opaque to clients): the order it pages and the last
 * member of its page, by value and profile id. The next page starts right after that place, so
 * members joining or leaving meanwhile never make a page repeat or skip anyone else.
 */
const tokenContent = z.object({
  path: z.string(),
  descending: z.boolean(),
  value: z.union([z.number(), z.string(), z.boolean()]).nullable(),
  profileId: z.string().min(1),
});

export function memberPageToken(order: MemberOrder, last: MemberPlace): string {
  const content: z.infer<typeof tokenContent> = {
    ...order,
    value: last.value ?? null,
    profileId: last.profileId,
  };
  return Buffer.from(JSON.stringify(content), 'utf8').toString('base64url');
}

/** The place a page starts after (none for the first page), or why the token cannot be used. */
export function readMemberPageToken(
  token: string,
  order: MemberOrder,
): { after: MemberPlace | undefined } | { problem: string } {
  if (token === '') return { after: undefined };
  const content = tokenContent.safeParse(jsonOf(Buffer.from(token, 'base64url').toString('utf8')));
  if (!content.success) return { problem: 'is not a token this API issued' };
  const { path, descending, value, profileId } = content.data;
  if (path !== order.path || descending !== order.descending)
    return { problem: 'belongs to another order: send the sort_by and descending it came with' };
  return { after: { value: value ?? undefined, profileId } };
}

function jsonOf(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
