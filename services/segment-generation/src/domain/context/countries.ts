import { fold } from './words.js';

/**
 * Every ISO 3166-1 alpha-2 country, by UN M49 subregion, with its English name and the other
 * names people write for it, plus the areas marketers target ("DACH", "Nordics", "EU").
 * The entries read `CODE Name/Other name`, separated by semicolons.
 */
const BY_SUBREGION: Readonly<Record<string, string>> = {
  'Northern Africa': 'DZ Algeria; EG Egypt; EH Western Sahara; LY Libya; MA Morocco; SD Sudan; TN Tunisia',
  'Eastern Africa': `BI Burundi; DJ Djibouti; ER Eritrea; ET Ethiopia; IO British Indian Ocean Territory;
    KE Kenya; KM Comoros; MG Madagascar; MU Mauritius; MW Malawi; MZ Mozambique; RE Réunion; RW Rwanda;
    SC Seychelles; SO Somalia; SS South Sudan; TF French Southern Territories; TZ Tanzania; UG Uganda;
    YT Mayotte; ZM Zambia; ZW Zimbabwe`,
  'Middle Africa': `AO Angola; CD DR Congo/Democratic Republic of the Congo; CF Central African Republic;
    CG Republic of the Congo/Congo; CM Cameroon; GA Gabon; GQ Equatorial Guinea; ST São Tomé and Príncipe;
    TD Chad`,
  'Southern Africa': 'BW Botswana; LS Lesotho; NA Namibia; SZ Eswatini/Swaziland; ZA South Africa',
  'Western Africa': `BF Burkina Faso; BJ Benin; CI Côte d'Ivoire/Ivory Coast; CV Cape Verde/Cabo Verde;
    GH Ghana; GM Gambia; GN Guinea; GW Guinea-Bissau; LR Liberia; ML Mali; MR Mauritania; NE Niger;
    NG Nigeria; SH Saint Helena; SL Sierra Leone; SN Senegal; TG Togo`,
  Caribbean: `AG Antigua and Barbuda; AI Anguilla; AW Aruba; BB Barbados; BL Saint Barthélemy;
    BQ Caribbean Netherlands; BS Bahamas; CU Cuba; CW Curaçao; DM Dominica; DO Dominican Republic; GD Grenada;
    GP Guadeloupe; HT Haiti; JM Jamaica; KN Saint Kitts and Nevis; KY Cayman Islands; LC Saint Lucia;
    MF Saint Martin; MQ Martinique; MS Montserrat; PR Puerto Rico; SX Sint Maarten; TC Turks and Caicos Islands;
    TT Trinidad and Tobago; VC Saint Vincent and the Grenadines; VG British Virgin Islands;
    VI U.S. Virgin Islands`,
  'Central America': `BZ Belize; CR Costa Rica; GT Guatemala; HN Honduras; MX Mexico; NI Nicaragua; PA Panama;
    SV El Salvador`,
  'South America': `AR Argentina; BO Bolivia; BR Brazil; BV Bouvet Island; CL Chile; CO Colombia; EC Ecuador;
    FK Falkland Islands; GF French Guiana; GS South Georgia; GY Guyana; PE Peru; PY Paraguay; SR Suriname;
    UY Uruguay; VE Venezuela`,
  'Northern America': `BM Bermuda; CA Canada; GL Greenland; PM Saint Pierre and Miquelon;
    US United States/United States of America/USA/America`,
  'Central Asia': 'KG Kyrgyzstan; KZ Kazakhstan; TJ Tajikistan; TM Turkmenistan; UZ Uzbekistan',
  'Eastern Asia': `CN China; HK Hong Kong; JP Japan; KP North Korea; KR South Korea/Korea; MN Mongolia;
    MO Macao/Macau; TW Taiwan`,
  'South-eastern Asia': `BN Brunei; ID Indonesia; KH Cambodia; LA Laos; MM Myanmar/Burma; MY Malaysia;
    PH Philippines; SG Singapore; TH Thailand; TL Timor-Leste/East Timor; VN Vietnam`,
  'Southern Asia': `AF Afghanistan; BD Bangladesh; BT Bhutan; IN India; IR Iran; LK Sri Lanka; MV Maldives;
    NP Nepal; PK Pakistan`,
  'Western Asia': `AE United Arab Emirates/UAE/Emirates; AM Armenia; AZ Azerbaijan; BH Bahrain; CY Cyprus;
    GE Georgia; IL Israel; IQ Iraq; JO Jordan; KW Kuwait; LB Lebanon; OM Oman; PS Palestine; QA Qatar;
    SA Saudi Arabia; SY Syria; TR Türkiye/Turkey; YE Yemen`,
  'Eastern Europe': `BG Bulgaria; BY Belarus; CZ Czechia/Czech Republic; HU Hungary; MD Moldova; PL Poland;
    RO Romania; RU Russia; SK Slovakia; UA Ukraine`,
  'Northern Europe': `AX Åland Islands; DK Denmark; EE Estonia; FI Finland; FO Faroe Islands; GB United Kingdom/
    UK/Great Britain/Britain; GG Guernsey; IE Ireland; IM Isle of Man; IS Iceland; JE Jersey; LT Lithuania;
    LV Latvia; NO Norway; SE Sweden; SJ Svalbard and Jan Mayen`,
  'Southern Europe': `AD Andorra; AL Albania; BA Bosnia and Herzegovina; ES Spain; GI Gibraltar; GR Greece;
    HR Croatia; IT Italy; ME Montenegro; MK North Macedonia/Macedonia; MT Malta; PT Portugal; RS Serbia;
    SI Slovenia; SM San Marino; VA Vatican City`,
  'Western Europe': `AT Austria; BE Belgium; CH Switzerland; DE Germany; FR France; LI Liechtenstein;
    LU Luxembourg; MC Monaco; NL Netherlands/Holland`,
  'Australia and New Zealand': `AU Australia; CC Cocos Islands; CX Christmas Island; HM Heard Island;
    NF Norfolk Island; NZ New Zealand`,
  Melanesia: 'FJ Fiji; NC New Caledonia; PG Papua New Guinea; SB Solomon Islands; VU Vanuatu',
  Micronesia: `FM Micronesia; GU Guam; KI Kiribati; MH Marshall Islands; MP Northern Mariana Islands; NR Nauru;
    PW Palau; UM U.S. Minor Outlying Islands`,
  Polynesia: `AS American Samoa; CK Cook Islands; NU Niue; PF French Polynesia; PN Pitcairn Islands; TK Tokelau;
    TO Tonga; TV Tuvalu; WF Wallis and Futuna; WS Samoa`,
  Antarctica: 'AQ Antarctica',
};

export interface Country {
  code: string;
  /** The English short name first, then other names. */
  names: string[];
  subregion: string;
}

export const COUNTRIES: readonly Country[] = Object.entries(BY_SUBREGION).flatMap(([subregion, entries]) =>
  entries.split(';').map((entry) => {
    const trimmed = entry.replace(/\s+/g, ' ').trim();
    return { code: trimmed.slice(0, 2), names: trimmed.slice(3).split(/\s*\/\s*/), subregion };
  }),
);

const BY_CODE = new Map(COUNTRIES.map((country) => [country.code, country]));

/** The country's English name, or the code itself when it is no ISO code. */
export function countryName(code: string): string {
  return BY_CODE.get(code)?.names[0] ?? code;
}

const BY_NAME = new Map(
  COUNTRIES.flatMap((country) => country.names.map((name) => [fold(name), country.code])),
);

/** The country a trait value names: an ISO code in either case ("ES", "es") or an English name ("Spain"). */
export function countryCodeOf(value: string): string | undefined {
  const trimmed = value.trim();
  const code = trimmed.toUpperCase();
  if (code.length === 2 && BY_CODE.has(code)) return code;
  return BY_NAME.get(fold(trimmed));
}

const inSubregions = (...subregions: string[]): string[] =>
  COUNTRIES.filter((country) => subregions.includes(country.subregion)).map((country) => country.code);

const EUROPE = inSubregions('Eastern Europe', 'Northern Europe', 'Southern Europe', 'Western Europe');
const AFRICA = inSubregions(
  'Northern Africa',
  'Eastern Africa',
  'Middle Africa',
  'Southern Africa',
  'Western Africa',
);
const ASIA = inSubregions(
  'Central Asia',
  'Eastern Asia',
  'South-eastern Asia',
  'Southern Asia',
  'Western Asia',
);
const OCEANIA = inSubregions('Australia and New Zealand', 'Melanesia', 'Micronesia', 'Polynesia');
// The continent: Canada to Panama and the Caribbean.
const NORTH_AMERICA = inSubregions('Northern America', 'Central America', 'Caribbean');
const LATIN_AMERICA = inSubregions('Central America', 'Caribbean', 'South America');
const MIDDLE_EAST = [
  'AE',
  'BH',
  'EG',
  'IL',
  'IQ',
  'IR',
  'JO',
  'KW',
  'LB',
  'OM',
  'PS',
  'QA',
  'SA',
  'SY',
  'TR',
  'YE',
];
const GULF = ['AE', 'BH', 'KW', 'OM', 'QA', 'SA'];
const EUROPEAN_UNION =
  `AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK`.split(' ');

/** An area a brief may name, with the names it goes by. */
export interface Area {
  names: string[];
  codes: string[];
}

/** Continents, UN subregions and marketing areas; an area's names are matched case-insensitively. */
export const AREAS: readonly Area[] = [
  { names: ['Europe'], codes: EUROPE },
  { names: ['European Union', 'EU'], codes: EUROPEAN_UNION },
  { names: ['Northern Europe'], codes: inSubregions('Northern Europe') },
  { names: ['Southern Europe'], codes: inSubregions('Southern Europe') },
  { names: ['Eastern Europe'], codes: inSubregions('Eastern Europe') },
  { names: ['Western Europe'], codes: inSubregions('Western Europe') },
  { names: ['Nordics', 'Nordic countries'], codes: ['DK', 'FI', 'IS', 'NO', 'SE'] },
  { names: ['Scandinavia'], codes: ['DK', 'NO', 'SE'] },
  { names: ['DACH'], codes: ['DE', 'AT', 'CH'] },
  { names: ['Benelux'], codes: ['BE', 'NL', 'LU'] },
  { names: ['Iberia', 'Iberian Peninsula'], codes: ['ES', 'PT'] },
  { names: ['Baltics', 'Baltic states'], codes: ['EE', 'LV', 'LT'] },
  { names: ['British Isles'], codes: ['GB', 'IE', 'IM'] },
  { names: ['Africa'], codes: AFRICA },
  { names: ['North Africa', 'Northern Africa'], codes: inSubregions('Northern Africa') },
  { names: ['Asia'], codes: ASIA },
  { names: ['East Asia', 'Eastern Asia'], codes: inSubregions('Eastern Asia') },
  {
    names: ['Southeast Asia', 'South-east Asia', 'South East Asia'],
    codes: inSubregions('South-eastern Asia'),
  },
  { names: ['South Asia', 'Southern Asia'], codes: inSubregions('Southern Asia') },
  { names: ['Central Asia'], codes: inSubregions('Central Asia') },
  { names: ['Middle East'], codes: MIDDLE_EAST },
  { names: ['Gulf states', 'GCC'], codes: GULF },
  { names: ['North America'], codes: NORTH_AMERICA },
  { names: ['Central America'], codes: inSubregions('Central America') },
  { names: ['Caribbean'], codes: inSubregions('Caribbean') },
  { names: ['South America'], codes: inSubregions('South America') },
  { names: ['Latin America', 'LATAM'], codes: LATIN_AMERICA },
  { names: ['Americas', 'the Americas'], codes: [...NORTH_AMERICA, ...inSubregions('South America')] },
  { names: ['Oceania'], codes: OCEANIA },
  { names: ['Australasia', 'ANZ'], codes: ['AU', 'NZ'] },
  {
    names: ['APAC', 'Asia-Pacific', 'Asia Pacific'],
    codes: [...inSubregions('Eastern Asia', 'South-eastern Asia', 'Southern Asia'), ...OCEANIA],
  },
  { names: ['EMEA'], codes: [...EUROPE, ...AFRICA, ...MIDDLE_EAST] },
];

const CONTINENT_OF = new Map(
  Object.entries({
    Europe: EUROPE,
    Africa: AFRICA,
    Asia: ASIA,
    Oceania: OCEANIA,
    'North America': NORTH_AMERICA,
    'South America': inSubregions('South America'),
  }).flatMap(([continent, codes]) => codes.map((code) => [code, continent] as const)),
);

/** The continent of a country, for summarising where a segment lives. */
export function continentOf(code: string): string | undefined {
  return CONTINENT_OF.get(code);
}
