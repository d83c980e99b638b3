import type { SourcedEntity } from '@casegraph/core';

// Invented people: none is a real person. Every name is made from the two lists below.
const GIVEN = ['Anneliese', 'Bartholomew', 'Cosima', 'Desmond', 'Eulalia', 'Fitzgerald', 'Gwendolyn', 'Horatio', 'Imogen', 'Jasper', 'Leocadia', 'Montgomery', 'Ottoline', 'Peregrine', 'Rosamund', 'Sebastian', 'Tabitha', 'Ulysses', 'Winifred', 'Zebedee'];
const SURNAMES = ['Quillfeather', 'Brackenbury', 'Ormerod', 'Thistlewood', 'Pennyworth', 'Harrowgate', 'Merriweather', 'Ashcombe', 'Fairbairn', 'Wetherell', 'Gallowglass', 'Hollingrake', 'Inchbald', 'Jessamy', 'Kettlewell', 'Loveridge', 'Mothersole', 'Nettleship', 'Oakenshaw', 'Pargeter'];
const STREETS = ['Tannery Lane', 'Rope Walk', 'Chandlers Row', 'Weavers Yard', 'Saltmarsh Road', 'Kiln Street', 'Cooper Close', 'Lantern Hill'];
const TOWNS = [
  { town: 'Eastwick', postcode: 'EW4 7QT' },
  { town: 'Marrowby', postcode: 'MB2 9LX' },
  { town: 'Fenholt', postcode: 'FH7 3DW' },
  { town: 'Copperly', postcode: 'CY5 1RN' },
];

interface Person {
  given: string;
  surname: string;
  birthDate: string;
  address: string;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

const PEOPLE: Person[] = Array.from({ length: 40 }, (_, i) => {
  const place = TOWNS[i % TOWNS.length] ?? TOWNS[0]!;
  return {
    given: GIVEN[i % GIVEN.length] ?? '',
    surname: SURNAMES[(i + Math.floor(i / GIVEN.length) * 7) % SURNAMES.length] ?? '',
    birthDate: `${1950 + ((i * 7) % 50)}-${pad(1 + (i % 12))}-${pad(1 + ((i * 11) % 28))}`,
    address: `${10 + i} ${STREETS[i % STREETS.length]}, ${place.town} ${place.postcode}`,
  };
});

function swapLetters(word: string, at: number): string {
  return word.slice(0, at) + (word[at + 1] ?? '') + (word[at] ?? '') + word.slice(at + 2);
}

function transposeDayMonth(date: string): string {
  const [year, month, day] = date.split('-');
  return `${year}-${day}-${month}`;
}

// Relatives of some of them at the same address: same surname, another given name, a generation apart.
const RELATIVES: Person[] = [0, 5, 10, 15, 20, 25].map((i, n) => {
  const p = PEOPLE[i] ?? PEOPLE[0]!;
  return { ...p, given: GIVEN[(i + 10) % GIVEN.length] ?? '', birthDate: `${Number(p.birthDate.slice(0, 4)) + 24}-${pad(1 + ((n * 5) % 12))}-${pad(3 + n)}` };
});

/** Everyone, as the civil registry holds them. */
export const REGISTRY_PEOPLE: SourcedEntity[] = [...PEOPLE, ...RELATIVES].map((p, i) => ({
  id: `reg-${i + 1}`,
  schema: 'Person',
  origin: `R${i + 1}`,
  properties: { name: [`${p.given} ${p.surname}`], birthDate: [p.birthDate], address: [p.address] },
}));

/** Half of them again in the vehicle licence register, each copy off in one way or another. */
export const LICENCE_PEOPLE: SourcedEntity[] = PEOPLE.flatMap((p, i) => {
  if (i % 2 === 1) return [];
  const k = i / 2;
  const variant = k % 5;
  const name = variant === 1 ? `${p.given} ${swapLetters(p.surname, 3)}` : variant === 2 ? `${p.surname} ${p.given}` : `${p.given} ${p.surname}`;
  const birthDate = variant === 3 ? transposeDayMonth(p.birthDate) : variant === 4 ? `${Number(p.birthDate.slice(0, 4)) + 9}${p.birthDate.slice(4)}` : p.birthDate;
  const address = variant === 4 ? `${70 + i} ${STREETS[(i + 3) % STREETS.length]}, ${TOWNS[(i + 1) % TOWNS.length]?.town}` : p.address;
  return [{ id: `ben-${k + 1}`, schema: 'Person', origin: `B${k + 1}`, properties: { name: [name], birthDate: [birthDate], address: [address] } }];
}).concat(
  // Namesakes: the same name as someone in the registry, born in another decade, in the same town.
  [3, 9, 14, 21, 27, 33].map((i, n) => {
    const p = PEOPLE[i] ?? PEOPLE[0]!;
    return { id: `ben-n${n + 1}`, schema: 'Person', origin: `BN${n + 1}`, properties: { name: [`${p.given} ${p.surname}`], birthDate: [`${1940 + ((i * 13) % 60)}-${pad(1 + ((i + 5) % 12))}-${pad(1 + ((i * 3) % 28))}`], address: [`${5 + n} Mill Street, ${TOWNS[i % TOWNS.length]?.town} ${TOWNS[i % TOWNS.length]?.postcode}`] } };
  }),
);
