/** The most ids an `_id: {$in}` list holds and is still looked up by index on our FerretDB build. */
export const ID_LIST_MAX = 500;

/** `items` cut into lists of at most `ID_LIST_MAX`, for one `_id: {$in}` query each. */
export function idListsOf<T>(items: readonly T[]): T[][] {
  const lists: T[][] = [];
  for (let start = 0; start < items.length; start += ID_LIST_MAX)
    lists.push(items.slice(start, start + ID_LIST_MAX));
  return lists;
}
