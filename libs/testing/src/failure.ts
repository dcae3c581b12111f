/** The error a promise rejects with; fails the test when it resolves instead. */
export async function failureOf<E = Error>(pending: Promise<unknown>): Promise<E> {
  try {
    await pending;
  } catch (error) {
    return error as E;
  }
  throw new Error('expected a failure, but it succeeded');
}
