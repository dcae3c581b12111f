import type { Random, Weights } from './random.js';
import type { Occupation } from './vocabulary.js';

/** Segment's reserved `company` trait: the organisation a person works for. */
export interface Company {
  name: string;
  industry: Industry;
  employee_count: number;
  plan: CompanyPlan;
}

export const INDUSTRIES = {
  software: [20, 5_000],
  internet: [20, 10_000],
  fintech: [20, 3_000],
  media: [5, 500],
  retail: [5, 20_000],
  'consumer goods': [20, 10_000],
  healthcare: [20, 5_000],
  education: [20, 2_000],
  construction: [2, 200],
  'professional services': [5, 2_000],
  'public sector': [100, 50_000],
} as const satisfies Record<string, readonly [number, number]>;
export type Industry = keyof typeof INDUSTRIES;

export type CompanyPlan = 'starter' | 'business' | 'enterprise';

const TECH: Weights<Industry> = { software: 3, internet: 1, fintech: 1 };

/** Where people of each occupation work; occupations without an employer have none. */
const INDUSTRIES_OF: Readonly<Partial<Record<Occupation, Weights<Industry>>>> = {
  'software engineer': TECH,
  'product manager': TECH,
  'data scientist': TECH,
  designer: { media: 1, retail: 1, software: 1 },
  'marketing specialist': { media: 1, retail: 1, 'consumer goods': 1 },
  consultant: { 'professional services': 1 },
  physiotherapist: { healthcare: 1 },
  nurse: { healthcare: 1 },
  doctor: { healthcare: 1 },
  teacher: { education: 1 },
  'retail worker': { retail: 1 },
  tradesperson: { construction: 1 },
  'administrative assistant': { 'professional services': 1, 'public sector': 1, healthcare: 1 },
  'civil servant': { 'public sector': 1 },
  lawyer: { 'professional services': 1 },
  'sales representative': { retail: 1, software: 1, 'consumer goods': 1 },
};

/** Share of working people whose employer the shop knows. */
const KNOWN_EMPLOYER_RATE = 0.75;

const NAME_WORDS = [
  'Northwind',
  'Bluebird',
  'Evergreen',
  'Summit',
  'Harbor',
  'Ironwood',
  'Lumen',
  'Meridian',
];
const NAME_WORDS_2 = ['Atlas', 'Cedar', 'Falcon', 'Juniper', 'Orbit', 'Quarry', 'Sierra', 'Tidal'];
const LEGAL_FORMS = ['Labs', 'Group', 'Systems', 'Partners', 'Works', 'Co', 'Holdings', 'Studio'];

/** The person's employer, drawn from their occupation's industries; none for the retired, students and homemakers. */
export function drawCompany(random: Random, occupation: Occupation): Company | undefined {
  const industries = INDUSTRIES_OF[occupation];
  if (industries === undefined || !random.chance(KNOWN_EMPLOYER_RATE)) return undefined;
  const industry = random.weightedPick(industries);
  const [fewest, most] = INDUSTRIES[industry];
  // Company sizes spread over orders of magnitude: uniform in their logarithm.
  const employees = Math.round(Math.exp(random.between(Math.log(fewest), Math.log(most))));
  return {
    name: `${random.pick(NAME_WORDS)} ${random.pick(NAME_WORDS_2)} ${random.pick(LEGAL_FORMS)}`,
    industry,
    employee_count: employees,
    plan: employees < 50 ? 'starter' : employees < 1_000 ? 'business' : 'enterprise',
  };
}
