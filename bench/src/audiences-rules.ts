import { Random } from '@prism/population';
import { AudienceKind, type AudienceSpec } from '@prism/proto/prism/audience/v1/audience';
import { describeRule, type Rule, type RuleOperator, ruleToProto } from '@prism/rules';
import { PROBE_TRAIT } from './audiences-probe.js';

// Values the population draws (its vocabulary), so every audience has members to find.
const GENDERS = ['female', 'male', 'non_binary'];
const INCOME_BANDS = ['<25k', '25-50k', '50-75k', '75-100k', '100-150k', '>150k'];
const MARKETS = [
  ['DE', 'AT', 'CH'],
  ['NL', 'BE'],
  ['DK', 'SE', 'NO', 'FI'],
  ['GB', 'IE'],
  ['FR', 'ES', 'PT', 'IT', 'GR'],
  ['US', 'CA', 'MX'],
  ['AU', 'SG', 'AE'],
];
const INTERESTS = ['running', 'cycling', 'yoga', 'travel', 'wine', 'golf', 'parenting', 'gardening'];
const MORE_INTERESTS = ['cooking', 'tech gadgets', 'gaming', 'investing', 'photography', 'fashion', 'pets'];
const OCCUPATIONS = ['software engineer', 'designer', 'nurse', 'teacher', 'consultant', 'retired', 'student'];
const VALUES = ['sustainability', 'status', 'convenience', 'price', 'health', 'family', 'quality'];
const SETTLEMENTS = ['urban', 'suburban', 'rural'];
const CLIMATES = ['temperate', 'mediterranean', 'tropical', 'continental', 'nordic', 'arid'];

const trait = (key: string, operator: RuleOperator, value: unknown): Rule =>
  ({ trait: { key, operator, value } }) as Rule;

function ageBetween(random: Random): Rule {
  const from = random.int(18, 70);
  return {
    all: [trait('age', 'greater_or_equal', from), trait('age', 'less_or_equal', from + random.int(4, 20))],
  };
}

/** The kinds of rule marketers write: one trait, ranges, lists, and groups of them. */
const FAMILIES: ((random: Random) => Rule)[] = [
  ageBetween,
  (random) => trait('gender', 'equals', random.pick(GENDERS)),
  (random) => trait('country', 'in', random.pick(MARKETS)),
  (random) => trait('interests', 'contains', random.pick([...INTERESTS, ...MORE_INTERESTS])),
  (random) => trait('occupation', 'equals', random.pick(OCCUPATIONS)),
  (random) => trait('incomeBand', 'in', [random.pick(INCOME_BANDS), random.pick(INCOME_BANDS)]),
  (random) => ({ all: [ageBetween(random), trait('interests', 'contains', random.pick(INTERESTS))] }),
  (random) => ({
    any: [
      trait('settlement', 'equals', random.pick(SETTLEMENTS)),
      trait('climateZone', 'equals', random.pick(CLIMATES)),
    ],
  }),
  (random) => ({
    all: [
      trait('country', 'in', random.pick(MARKETS)),
      { not: trait('gender', 'equals', random.pick(GENDERS)) },
    ],
  }),
  (random) => ({
    all: [
      trait('values', 'contains', random.pick(VALUES)),
      trait('incomeBand', 'in', [
        random.pick(INCOME_BANDS),
        random.pick(INCOME_BANDS),
        random.pick(INCOME_BANDS),
      ]),
      trait('age', 'greater_than', random.int(20, 40)),
    ],
  }),
];

/** The probe audience: only the benchmark's probes carry its trait. */
export const PROBE_AUDIENCE_KEY = 'bench_probe';

/**
 * `count` dynamic audiences: the probe's, and `count - 1` over the population's traits, drawn
 * from FAMILIES in turn with seeded values (the same audiences every run).
 */
export function benchAudienceSpecs(count: number): AudienceSpec[] {
  const random = new Random(12);
  const spec = (key: string, rule: Rule): AudienceSpec => ({
    key,
    name: describeRule(rule).slice(0, 200),
    description: '',
    kind: AudienceKind.AUDIENCE_KIND_DYNAMIC,
    rule: ruleToProto(rule),
  });
  const probe = spec(PROBE_AUDIENCE_KEY, trait(PROBE_TRAIT.key, 'equals', PROBE_TRAIT.value));
  const others = Array.from({ length: count - 1 }, (_, index) =>
    spec(
      `bench_${String(index + 1).padStart(2, '0')}`,
      (FAMILIES[index % FAMILIES.length] as (r: Random) => Rule)(random),
    ),
  );
  return [probe, ...others];
}
