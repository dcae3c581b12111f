import type { FeatureGroup } from '../model.js';
import type { TraitKind } from './trait-values.js';

/**
 * Traits named after these identify or contact a person; they must never shape a segment. A
 * nested trait is named by its last segment: `address.street`, `address.postalCode` and
 * `company.name` identify, `address.country` does not.
 */
const IDENTIFYING_KEYS = new Set([
  'id',
  'name',
  'username',
  'nickname',
  'displayname',
  'avatar',
  'website',
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
  'birthday',
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

/** The last segment of a trait path: `country` of `address.country`. */
export function leafOf(path: string): string {
  return path.slice(path.lastIndexOf('.') + 1);
}

export function isIdentifyingKey(path: string): boolean {
  const leaf = leafOf(path);
  return IDENTIFYING_KEYS.has(normalised(leaf)) || ID_SUFFIX.test(leaf.trim());
}

const KNOWN_GROUPS = new Map<string, FeatureGroup>([
  ['age', 'demographic'],
  ['gender', 'demographic'],
  ['income', 'demographic'],
  ['incomeband', 'demographic'],
  ['occupation', 'demographic'],
  ['country', 'geographic'],
  ['region', 'geographic'],
  ['state', 'geographic'],
  ['province', 'geographic'],
  ['county', 'geographic'],
  ['city', 'geographic'],
  ['town', 'geographic'],
  ['climatezone', 'geographic'],
  ['settlement', 'geographic'],
  ['interests', 'psychographic'],
  ['values', 'psychographic'],
  ['industry', 'firmographic'],
  ['employees', 'firmographic'],
  ['employeecount', 'firmographic'],
  ['companysize', 'firmographic'],
]);

/** Segment's reserved `company` trait: everything under it describes the employer. */
const FIRMOGRAPHIC_OBJECTS = new Set(['company', 'organization', 'organisation']);

/**
 * The description group a trait speaks to, by its path: under `company` firmographic (a B2B
 * group), else by its last segment (`address.country` is geographic). Unknown numbers are
 * computed traits such as `orders_90d`, so behavioural; unknown lists are tags or affinities, so
 * psychographic; unknown single strings describe who someone is, so demographic.
 */
export function groupOf(path: string, kind: TraitKind): FeatureGroup {
  const dot = path.indexOf('.');
  if (dot > 0 && FIRMOGRAPHIC_OBJECTS.has(normalised(path.slice(0, dot)))) return 'firmographic';
  const known = KNOWN_GROUPS.get(normalised(leafOf(path)));
  if (known !== undefined) return known;
  if (kind === 'numeric') return 'behavioural';
  return kind === 'list' ? 'psychographic' : 'demographic';
}
