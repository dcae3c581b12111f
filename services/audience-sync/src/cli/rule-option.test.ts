import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Operator } from '@prism/proto/prism/rules/v1/rule';
import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { ruleFromFile, ruleFromJson } from './rule-option.js';

const proRunners = {
  all: {
    rules: [
      { trait: { key: 'plan', operator: 'OPERATOR_EQUALS', value: 'pro' } },
      {
        event: {
          event: 'Run Finished',
          count_operator: 'OPERATOR_GREATER_OR_EQUAL',
          count: '3',
          withinDays: 30,
        },
      },
    ],
  },
};

describe('--rule', () => {
  it('reads the proto3 JSON of a rule into the proto, snake_case or camelCase fields and int64 strings alike', () => {
    expect(ruleFromJson(JSON.stringify(proRunners))).toEqual({
      node: {
        $case: 'all',
        value: {
          rules: [
            {
              node: {
                $case: 'trait',
                value: { key: 'plan', operator: Operator.OPERATOR_EQUALS, value: 'pro' },
              },
            },
            {
              node: {
                $case: 'event',
                value: {
                  event: 'Run Finished',
                  where: [],
                  countOperator: Operator.OPERATOR_GREATER_OR_EQUAL,
                  count: 3,
                  withinDays: 30,
                },
              },
            },
          ],
        },
      },
    });
  });

  it('names bad JSON as such, with where the parser stopped', () => {
    expect(() => ruleFromJson('{"trait": {"key": "plan",}}')).toThrow(InvalidArgumentError);
    expect(() => ruleFromJson('{"trait": {"key": "plan",}}')).toThrow(/^not valid JSON: .*position/);
  });

  it('asks for an object when the JSON is an array, a string or null', () => {
    for (const text of ['[]', '"plan"', 'null'])
      expect(() => ruleFromJson(text)).toThrow('must be a JSON object, e.g. {"trait":');
  });

  it('names the field of an operator the proto does not have, and the operators it has', () => {
    expect(() => ruleFromJson('{"trait": {"key": "age", "operator": "OPERATOR_GT", "value": 3}}')).toThrow(
      /^rule\.trait\.operator: must be one of EQUALS, NOT_EQUALS, GREATER_THAN/,
    );
  });

  it('names what the rule lacks by its proto path before anything is sent', () => {
    expect(() => ruleFromJson('{"trais": {"key": "plan"}}')).toThrow(/^rule: must set one of all, any/);
    expect(() => ruleFromJson('{"not": {"trait": {"key": "plan"}}}')).toThrow(
      /^rule\.not\.trait\.operator: /,
    );
  });
});

describe('--rule-file', () => {
  const folder = mkdtempSync(join(tmpdir(), 'prism-rule-'));

  it('reads the same JSON from a file', () => {
    const file = join(folder, 'pro.json');
    writeFileSync(file, JSON.stringify(proRunners));
    expect(ruleFromFile(file)).toEqual(ruleFromJson(JSON.stringify(proRunners)));
  });

  it('says which file it cannot read and why', () => {
    expect(() => ruleFromFile(join(folder, 'missing.json'))).toThrow(/^cannot read .*missing\.json: ENOENT$/);
  });
});
