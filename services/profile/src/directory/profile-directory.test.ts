import { describe, expect, it } from 'vitest';
import { ProfileDirectory } from './profile-directory.js';

const email = (value: string) => ({ type: 'email', value });

describe('ProfileDirectory', () => {
  it('keeps the newest version of each profile whatever order a scan meets them in', () => {
    const directory = new ProfileDirectory();
    directory.record({ profileId: 'p1', version: 2, state: 'live', identifiers: [email('a@x')] });
    directory.record({ profileId: 'p1', version: 1, state: 'live', identifiers: [email('a@x')] });
    expect(directory.versionOf('p1')).toBe(2);
    expect(directory.size).toBe(1);
  });

  it('follows a merge to the survivor, even when the old live version is met after its tombstone', () => {
    const directory = new ProfileDirectory();
    directory.record({ profileId: 'old', version: 4, state: 'merged', mergedInto: 'kept', identifiers: [] });
    directory.record({
      profileId: 'kept',
      version: 7,
      state: 'live',
      identifiers: [email('a@x'), email('b@x')],
    });
    directory.record({ profileId: 'old', version: 3, state: 'live', identifiers: [email('b@x')] });
    expect(directory.versionOf('old')).toBeUndefined();
    expect(directory.survivorOf('old')).toBe('kept');
    expect(directory.candidateOf(email('a@x'))).toBe('kept');
    expect(directory.size).toBe(1);
  });

  it('frees a deleted profile’s identifiers and lists only live profiles', () => {
    const directory = new ProfileDirectory();
    directory.record({ profileId: 'p1', version: 1, state: 'live', identifiers: [email('a@x')] });
    directory.record({ profileId: 'p2', version: 1, state: 'live', identifiers: [email('b@x')] });
    directory.record({ profileId: 'p1', version: 2, state: 'deleted', identifiers: [] });
    directory.forget([email('a@x')]);
    expect(directory.candidateOf(email('a@x'))).toBeUndefined();
    expect([...directory.live()]).toEqual([{ profileId: 'p2', version: 1 }]);
    expect(directory.size).toBe(1);
  });
});
