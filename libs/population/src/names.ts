import type { Random } from './random.js';
import type { Gender } from './vocabulary.js';

export interface PersonName {
  firstName: string;
  lastName: string;
}

/** Names for demos; a mix of the markets, so they do not hint at the segment. */
const FIRST_NAMES: Record<Gender, readonly string[]> = {
  female: [
    'Anna',
    'Sofia',
    'Emma',
    'Laura',
    'Maria',
    'Chloe',
    'Ingrid',
    'Olivia',
    'Lucia',
    'Mei',
    'Aisha',
    'Grace',
  ],
  male: [
    'Lukas',
    'Noah',
    'James',
    'Mateo',
    'Erik',
    'Liam',
    'Marco',
    'Daniel',
    'Omar',
    'Hiroshi',
    'Pierre',
    'Sam',
  ],
  non_binary: ['Alex', 'Robin', 'Kim', 'Charlie', 'Sasha', 'Jules'],
};
const ANY_FIRST_NAMES = Object.values(FIRST_NAMES).flat();
const LAST_NAMES = [
  'Müller',
  'de Vries',
  'Jensen',
  'Lindqvist',
  'Smith',
  "O'Brien",
  'Martin',
  'García',
  'Silva',
  'Rossi',
  'Papadopoulos',
  'Nowak',
  'Johnson',
  'Tremblay',
  'Nguyen',
  'Chen',
  'Kowalski',
  'Dubois',
];
export function drawName(random: Random, gender: Gender | undefined): PersonName {
  return {
    firstName: random.pick(gender === undefined ? ANY_FIRST_NAMES : FIRST_NAMES[gender]),
    lastName: random.pick(LAST_NAMES),
  };
}
