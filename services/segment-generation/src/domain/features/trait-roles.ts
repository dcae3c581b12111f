import type { FeatureGroup } from '../model.js';
import type { TraitKind } from './trait-values.js';

/** Traits named after these identify or contact a person; they must never shape a segment. */
const IDENTIFYING_KEYS = new Set([
  'id',
  'name',
  'firstname',
  'lastname',
  'fullname',
  'middlename',
  'surname',
  'givenname',
  'email',
  'emailaddress',
  'phone',
  'phonenumber',
  'mobile',
  'address',
  'street',
  'streetaddress',
  'zip',
  'zipcode',
  'postcode',
  'postalcode',
  'ip',
  'ipaddress',
  'birthdate',
  'dateofbirth',
  'password',
  'token',
]);

/** Keys ending like `userId`, `customer_id` or `external-id` (but not `paid` or `valid`). */
const ID_SUFFIX = /(?:[_\s-][iI][dD]|[a-z0-9](?:Id|ID))$/;

/** `firstName`, `first_name` and `First Name` all normalise to `firstname`. */
function normalised(key: string): string {
  return key.toLowerCase().replace(/[^a-z0-9]/g, '');
}

export function isIdentifyingKey(key: string): boolean {
  return IDENTIFYING_KEYS.has(normalised(key)) || ID_SUFFIX.test(key.trim());
}

const KNOWN_GROUPS = new Map<string, FeatureGroup>([
  ['age', 'demographic'],
  ['gender', 'demographic'],
  ['income', 'demographic'],
  ['incomeband', 'demographic'],
  ['occupation', 'demographic'],
  ['country', 'geographic'],
  ['region', 'geographic'],
  ['city', 'geographic'],
  ['climatezone', 'geographic'],
  ['settlement', 'geographic'],
  ['interests', 'psychographic'],
  ['values', 'psychographic'],
]);

/**
 * The description group a trait speaks to. Unknown numbers are computed traits such as
 * `orders_90d`, so behavioural; unknown lists are tags or affinities, so psychographic;
 * unknown single strings describe who someone is, so demographic.
 */
export function groupOf(key: string, kind: TraitKind): FeatureGroup {
  const known = KNOWN_GROUPS.get(normalised(key));
  if (known !== undefined) return known;
  if (kind === 'numeric') return 'behavioural';
  return kind === 'list' ? 'psychographic' : 'demographic';
}
