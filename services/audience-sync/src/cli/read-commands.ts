import { type Command, Option } from 'commander';
import type { AudienceCall } from './audiences.js';
import { membersTable } from './render.js';
import { explanationText, overlapText, previewText } from './render-read.js';
import { ruleFromFile, ruleFromJson } from './rule-option.js';

type WithAudiences = (use: (call: AudienceCall) => Promise<void>) => Promise<void>;

/** `prism audiences preview|explain|overlap`: the read side, answered from the space's index. */
export function registerReadCommands(audiences: Command, withAudiences: WithAudiences): void {
  audiences
    .command('preview')
    .description('the exact count of a rule before saving it, per condition, with a sample of people')
    .addOption(
      new Option('--rule <json>', 'the rule, as proto3 JSON of prism.rules.v1.Rule')
        .argParser(ruleFromJson)
        .conflicts('ruleFile'),
    )
    .addOption(new Option('--rule-file <file>', 'the rule JSON, read from a file').argParser(ruleFromFile))
    .option('--sample <n>', 'people to show, at most 100', (value) => Number.parseInt(value, 10), 5)
    .action((options, command: Command) => {
      const rule = options.rule ?? options.ruleFile;
      if (!rule) command.error('give a rule (--rule or --rule-file)');
      return withAudiences(async (call) => {
        const preview = await call((client) => client.previewAudience, { rule, sampleSize: options.sample });
        for (const warning of preview.warnings) console.warn(`warning: ${warning}`);
        console.log(previewText(preview));
        if (preview.sample.length > 0) console.log(membersTable(preview.sample));
      });
    });

  audiences
    .command('explain')
    .description('why a person is in or out of an audience: each condition with their value')
    .argument('<audience>', 'audience id or key')
    .argument('<profile>', 'a profile id or type:value, e.g. email:ada@example.com')
    .action((audience: string, profile: string) =>
      withAudiences(async (call) => {
        const { summary, rule } = await call((client) => client.explainMembership, { audience, profile });
        console.log(explanationText(summary, rule));
      }),
    );

  audiences
    .command('overlap')
    .description('how two audiences overlap: people in both, and in only one of them')
    .argument('<audience>', 'audience id or key')
    .argument('<other>', 'the other audience')
    .action((audience: string, other: string) =>
      withAudiences(async (call) => {
        const overlap = await call((client) => client.getAudienceOverlap, { audience, other });
        console.log(overlapText(audience, other, overlap));
      }),
    );
}
