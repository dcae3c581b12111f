import { type Collection, type Document, MongoServerError, type OptionalUnlessRequiredId } from 'mongodb';

const DUPLICATE_KEY = 11000;

export function isDuplicateKey(error: unknown): boolean {
  return error instanceof MongoServerError && error.code === DUPLICATE_KEY;
}

/**
 * Inserts unless a document with the same unique key exists; true when this call inserted.
 * A unique insert is the one write FerretDB and MongoDB both apply atomically, so locks,
 * markers and "first writer wins" records are built on it.
 */
export async function insertIfAbsent<T extends Document>(
  collection: Collection<T>,
  doc: OptionalUnlessRequiredId<T>,
): Promise<boolean> {
  try {
    await collection.insertOne(doc);
    return true;
  } catch (error) {
    if (isDuplicateKey(error)) return false;
    throw error;
  }
}
