import { readFileSync } from 'node:fs';
import { Rule } from '@prism/proto/prism/rules/v1/rule';
import { ruleFromProto } from '@prism/rules';
import { InvalidArgumentError } from 'commander';
import { z } from 'zod';

const ruleObject = z.record(z.string(), z.unknown(), {
  error: 'must be a JSON object, e.g. {"trait":{"key":"plan","operator":"OPERATOR_EQUALS","value":"pro"}}',
});

/**
 * `--rule`: the proto3 JSON of a `prism.rules.v1.Rule`, read into the proto and checked as the
 * service checks it, so a mistake is named (by its proto path) before anything is sent.
 * Throws commander's `InvalidArgumentError`, which it reports against the option.
 */
export function ruleFromJson(text: string): Rule {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InvalidArgumentError(`not valid JSON: ${(error as Error).message}`);
  }
  const parsed = ruleObject.safeParse(json);
  if (!parsed.success) throw new InvalidArgumentError(parsed.error.issues[0]?.message ?? 'not a rule');
  try {
    const rule = Rule.fromJSON(parsed.data);
    ruleFromProto(rule);
    return rule;
  } catch (error) {
    // An unknown enum name (from fromJSON) or the rule's violations (from ruleFromProto).
    throw new InvalidArgumentError((error as Error).message);
  }
}

/** `--rule-file`: the same JSON, in a file. */
export function ruleFromFile(path: string): Rule {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InvalidArgumentError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  return ruleFromJson(text);
}
