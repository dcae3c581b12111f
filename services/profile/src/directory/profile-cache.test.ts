import { describe, expect, it } from 'vitest';
import { newProfileState } from '../domain/profile-state.js';
import { ProfileCache } from './profile-cache.js';

describe('ProfileCache', () => {
  it('holds at most its capacity and lets the least recently used go first', () => {
    const cache = new ProfileCache(2);
    for (const id of ['a', 'b']) cache.set(newProfileState(id, 'acme', 0));
    cache.get('a');
    cache.set(newProfileState('c', 'acme', 0));
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')?.id).toBe('a');
    expect(cache.get('c')?.id).toBe('c');
  });
});
