import { describe, expect, it } from 'vitest';
import { stopSignals } from './run-service.js';

describe('the signals that stop a service', () => {
  it('stops on Ctrl-C or SIGTERM when run on its own', () => {
    expect(stopSignals({})).toEqual(['SIGINT', 'SIGTERM']);
  });

  it('leaves Ctrl-C to the launcher that supervises it and stops on its SIGTERM', () => {
    expect(stopSignals({ PRISM_SUPERVISED: '1' })).toEqual(['SIGTERM']);
  });
});
