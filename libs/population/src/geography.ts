import type { ClimateZone } from './vocabulary.js';

export interface Country {
  currency: string;
  callingCode: string;
  locale: string;
}

/** The markets people live in, by ISO 3166-1 alpha-2 code. */
export const COUNTRIES = {
  DE: { currency: 'EUR', callingCode: '49', locale: 'de-DE' },
  NL: { currency: 'EUR', callingCode: '31', locale: 'nl-NL' },
  BE: { currency: 'EUR', callingCode: '32', locale: 'nl-BE' },
  DK: { currency: 'DKK', callingCode: '45', locale: 'da-DK' },
  SE: { currency: 'SEK', callingCode: '46', locale: 'sv-SE' },
  NO: { currency: 'NOK', callingCode: '47', locale: 'nb-NO' },
  FI: { currency: 'EUR', callingCode: '358', locale: 'fi-FI' },
  GB: { currency: 'GBP', callingCode: '44', locale: 'en-GB' },
  IE: { currency: 'EUR', callingCode: '353', locale: 'en-IE' },
  FR: { currency: 'EUR', callingCode: '33', locale: 'fr-FR' },
  ES: { currency: 'EUR', callingCode: '34', locale: 'es-ES' },
  PT: { currency: 'EUR', callingCode: '351', locale: 'pt-PT' },
  IT: { currency: 'EUR', callingCode: '39', locale: 'it-IT' },
  GR: { currency: 'EUR', callingCode: '30', locale: 'el-GR' },
  AT: { currency: 'EUR', callingCode: '43', locale: 'de-AT' },
  CH: { currency: 'CHF', callingCode: '41', locale: 'de-CH' },
  PL: { currency: 'PLN', callingCode: '48', locale: 'pl-PL' },
  US: { currency: 'USD', callingCode: '1', locale: 'en-US' },
  CA: { currency: 'CAD', callingCode: '1', locale: 'en-CA' },
  MX: { currency: 'MXN', callingCode: '52', locale: 'es-MX' },
  AU: { currency: 'AUD', callingCode: '61', locale: 'en-AU' },
  SG: { currency: 'SGD', callingCode: '65', locale: 'en-SG' },
  AE: { currency: 'AED', callingCode: '971', locale: 'en-AE' },
} as const satisfies Record<string, Country>;
export type CountryCode = keyof typeof COUNTRIES;

/** Units of each currency one EUR buys; divide an amount by it to compare orders across markets. */
export const CURRENCY_PER_EUR: Readonly<Record<string, number>> = {
  EUR: 1,
  DKK: 7.46,
  SEK: 11.4,
  NOK: 11.6,
  GBP: 0.85,
  CHF: 0.95,
  PLN: 4.3,
  USD: 1.08,
  CAD: 1.47,
  MXN: 18.5,
  AUD: 1.65,
  SGD: 1.45,
  AED: 3.97,
};

export function toEur(amount: number, currency: string): number {
  return amount / rateOf(currency);
}

export function fromEur(amountEur: number, currency: string): number {
  return amountEur * rateOf(currency);
}

function rateOf(currency: string): number {
  const rate = Object.hasOwn(CURRENCY_PER_EUR, currency) ? CURRENCY_PER_EUR[currency] : undefined;
  if (rate === undefined) throw new RangeError(`unknown currency ${currency}`);
  return rate;
}

export interface Place {
  city: string;
  region: string;
  country: CountryCode;
  climateZone: ClimateZone;
  /** Standard-time offset from UTC in hours; daylight saving is ignored. */
  utcOffset: number;
}

const place = (
  city: string,
  region: string,
  country: CountryCode,
  climateZone: ClimateZone,
  utcOffset: number,
): Place => ({ city, region, country, climateZone, utcOffset });

export const PLACES: readonly Place[] = [
  place('Berlin', 'Berlin', 'DE', 'temperate', 1),
  place('Hamburg', 'Hamburg', 'DE', 'temperate', 1),
  place('Munich', 'Bavaria', 'DE', 'temperate', 1),
  place('Amsterdam', 'North Holland', 'NL', 'temperate', 1),
  place('Utrecht', 'Utrecht', 'NL', 'temperate', 1),
  place('Antwerp', 'Flanders', 'BE', 'temperate', 1),
  place('Copenhagen', 'Capital Region', 'DK', 'temperate', 1),
  place('Stockholm', 'Stockholm County', 'SE', 'nordic', 1),
  place('Gothenburg', 'Västra Götaland', 'SE', 'nordic', 1),
  place('Oslo', 'Oslo', 'NO', 'nordic', 1),
  place('Helsinki', 'Uusimaa', 'FI', 'nordic', 2),
  place('London', 'England', 'GB', 'temperate', 0),
  place('Manchester', 'England', 'GB', 'temperate', 0),
  place('Leeds', 'England', 'GB', 'temperate', 0),
  place('Glasgow', 'Scotland', 'GB', 'temperate', 0),
  place('Dublin', 'Leinster', 'IE', 'temperate', 0),
  place('Cork', 'Munster', 'IE', 'temperate', 0),
  place('Lyon', 'Auvergne-Rhône-Alpes', 'FR', 'temperate', 1),
  place('Nantes', 'Pays de la Loire', 'FR', 'temperate', 1),
  place('Nice', "Provence-Alpes-Côte d'Azur", 'FR', 'mediterranean', 1),
  place('Málaga', 'Andalusia', 'ES', 'mediterranean', 1),
  place('Valencia', 'Valencian Community', 'ES', 'mediterranean', 1),
  place('Las Palmas', 'Canary Islands', 'ES', 'arid', 0),
  place('Almería', 'Andalusia', 'ES', 'arid', 1),
  place('Lisbon', 'Lisbon', 'PT', 'mediterranean', 0),
  place('Faro', 'Algarve', 'PT', 'mediterranean', 0),
  place('Naples', 'Campania', 'IT', 'mediterranean', 1),
  place('Palermo', 'Sicily', 'IT', 'mediterranean', 1),
  place('Athens', 'Attica', 'GR', 'mediterranean', 2),
  place('Heraklion', 'Crete', 'GR', 'mediterranean', 2),
  place('Vienna', 'Vienna', 'AT', 'continental', 1),
  place('Zurich', 'Zurich', 'CH', 'temperate', 1),
  place('Warsaw', 'Masovia', 'PL', 'continental', 1),
  place('San Francisco', 'California', 'US', 'mediterranean', -8),
  place('Seattle', 'Washington', 'US', 'temperate', -8),
  place('Austin', 'Texas', 'US', 'arid', -6),
  place('New York', 'New York', 'US', 'continental', -5),
  place('Boston', 'Massachusetts', 'US', 'continental', -5),
  place('Chicago', 'Illinois', 'US', 'continental', -6),
  place('Miami', 'Florida', 'US', 'tropical', -5),
  place('Toronto', 'Ontario', 'CA', 'continental', -5),
  place('Montreal', 'Quebec', 'CA', 'continental', -5),
  place('Vancouver', 'British Columbia', 'CA', 'temperate', -8),
  place('Mexico City', 'Mexico City', 'MX', 'temperate', -6),
  place('Sydney', 'New South Wales', 'AU', 'temperate', 10),
  place('Melbourne', 'Victoria', 'AU', 'temperate', 10),
  place('Perth', 'Western Australia', 'AU', 'mediterranean', 8),
  place('Singapore', 'Singapore', 'SG', 'tropical', 8),
  place('Dubai', 'Dubai', 'AE', 'arid', 4),
];

const PLACES_BY_CITY = new Map(PLACES.map((place) => [place.city, place]));

export function placeOf(city: string): Place {
  const found = PLACES_BY_CITY.get(city);
  if (found === undefined) throw new RangeError(`unknown city ${city}`);
  return found;
}
