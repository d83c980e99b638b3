import { dayNumber, isoDate } from '../calendar.js';
import { jsonlFile, query } from '../mapping-file.js';
import { writtenNumber } from '../phone-numbers.js';
import { type Rand, Shuffle, hashText } from '../random.js';
import type { DemoSource, SourceOutput } from '../source-output.js';
import { addressText, fullName, writtenAddress, writtenBirthDate, writtenName } from '../variants.js';
import { NICKNAMES } from '../names.js';
import type { PersonFacts, World } from '../world.js';

const SUBJECTS = jsonlFile('case-subjects.jsonl', [
  'case_ref',
  'subject_no',
  'role',
  'offence',
  'recorded_on',
  'full_name',
  'alias',
  'date_of_birth',
  'gender',
  'nationality',
  'address',
  'phone',
  'description',
]);

const subjectsQuery = query(SUBJECTS, {
  subject: {
    schema: 'Person',
    keys: ['case_ref', 'subject_no'],
    properties: {
      name: { column: 'full_name' },
      alias: { column: 'alias' },
      birthDate: { column: 'date_of_birth' },
      gender: { column: 'gender' },
      nationality: { column: 'nationality' },
      address: { column: 'address' },
      phone: { column: 'phone' },
      description: { column: 'description' },
    },
  },
  case: {
    schema: 'CourtCase',
    keys: ['case_ref'],
    properties: {
      name: { template: '{{case_ref}}: {{offence}}' },
      caseNumber: { column: 'case_ref' },
      fileDate: { column: 'recorded_on' },
      category: { column: 'offence' },
    },
  },
  party: {
    schema: 'CourtCaseParty',
    keys: ['case_ref', 'subject_no', 'role'],
    properties: {
      party: { entity: 'subject' },
      case: { entity: 'case' },
      role: { column: 'role' },
    },
  },
});

const TAG = hashText('prior-cases');
const OFFENCES = [
  'supply of controlled drugs',
  'money laundering',
  'fraud by false representation',
  'burglary',
  'handling stolen goods',
  'assault occasioning actual bodily harm',
  'robbery',
  'theft of motor vehicle',
  'possession of an offensive weapon',
  'conspiracy to defraud',
  'modern slavery',
  'criminal damage',
];
const BUILDS = ['slim build', 'medium build', 'heavy build', 'stocky build'];
const HAIR = ['short dark hair', 'shaved head', 'long fair hair', 'ginger hair', 'grey hair', 'curly black hair', 'brown hair'];

const REMARKS = [
  'Believed to use several vehicles.',
  'Known to carry more than one phone.',
  'Travels abroad often.',
  'Pays cash for large purchases.',
];

type Role = 'suspect' | 'witness' | 'victim' | 'informant';

/** Records from earlier cases: subjects with aliases, marks and roles, some of them children. */
export const priorCases: DemoSource = {
  policy: {
    id: 'prior-cases',
    name: 'Earlier case records (demo)',
    owner: 'Regional Crime Unit (fictional)',
    legal_basis: 'Law enforcement processing for the prevention, investigation and detection of offences (Data Protection Act 2018, Part 3)',
    purposes: ['criminal-investigation', 'oversight'],
    markings: ['OFFICIAL-SENSITIVE'],
    retention_days: 3650,
    sensitive_categories: ['minors', 'witness-identity', 'victim-identity', 'informant-identity'],
    may_combine: true,
    contact: 'records-management@rcu.example',
    description:
      'Subjects of earlier cases with their role (suspect, witness, victim, informant), aliases, distinguishing marks and last known address and phone. Includes children as victims and witnesses; some names are recorded in the script the person gave them in.',
  },
  queries: [subjectsQuery],
  steps: (world) => caseCount(world),
  run: writeCases,
};

function caseCount(world: World): number {
  return Math.max(1, Math.round(world.total * 0.008));
}

async function writeCases(world: World, out: SourceOutput): Promise<void> {
  const subjects = out.open(subjectsQuery);
  const n = caseCount(world);
  const numbers = new Shuffle(Math.max(n, 1000) * 10, TAG);
  for (let k = 0; k < n; k++) {
    const r = world.rand(TAG, k);
    const year = 2008 + r.int(18);
    const recorded = Math.min(dayNumber(year, 1, 1) + r.int(365), dayNumber(2025, 12, 1));
    const caseRef = `CR-${year}-${String(numbers.forward(k)).padStart(6, '0')}`;
    const offence = r.pick(OFFENCES);
    const cast = caseSubjects(world, r);
    cast.forEach(({ person: p, role }, i) => {
      const person = world.person(p);
      const name = writtenName(person, r, { noise: 0.2, nativeScript: 0.5 });
      const home = writtenAddress(world.address(person.home), r, 0.3);
      subjects.write(
        {
          case_ref: caseRef,
          subject_no: String(i + 1),
          role,
          offence,
          recorded_on: isoDate(recorded),
          full_name: fullName(name, r, 0.1),
          alias: role === 'suspect' || role === 'informant' ? aliasOf(person, r) : '',
          date_of_birth: writtenBirthDate(person.birth, r, 0.1, 0.08),
          gender: r.chance(0.95) ? person.gender : '',
          nationality: r.chance(0.8) ? person.nationality : '',
          address: r.chance(0.85) ? addressText(home) : '',
          phone: contactNumber(world, person, r),
          description: describe(person, role, r),
        },
        { subject: person.id },
      );
    });
    if ((k & 255) === 255) await out.pace(k + 1);
  }
  await out.pace(n);
}

// The main suspect, some of their associates, and now and then a victim (often a child from a
// household) or an informant from the suspect's own circle.
function caseSubjects(world: World, r: Rand): { person: number; role: Role }[] {
  const lead = world.pickPerson(r, 0.6);
  const cast: { person: number; role: Role }[] = [{ person: lead, role: 'suspect' }];
  const circle = world.associates(lead);
  const others = r.int(3);
  for (let i = 0; i < others && i < circle.length; i++) {
    const p = r.pick(circle);
    if (!cast.some((c) => c.person === p)) cast.push({ person: p, role: r.chance(0.6) ? 'suspect' : 'witness' });
  }
  if (r.chance(0.35)) {
    const families = Math.floor(world.counts.persons / 3);
    const victim = families > 0 && r.chance(0.6) ? r.int(families) * 3 + 2 : r.int(world.counts.persons);
    if (!cast.some((c) => c.person === victim)) cast.push({ person: victim, role: r.chance(0.7) ? 'victim' : 'witness' });
  }
  if (r.chance(0.08) && circle.length > 0) {
    const informant = r.pick(circle);
    if (!cast.some((c) => c.person === informant)) cast.push({ person: informant, role: 'informant' });
  }
  return cast;
}

function aliasOf(person: PersonFacts, r: Rand): string {
  if (person.alias !== null && r.chance(0.8)) return person.alias;
  const nicknames = NICKNAMES.get(person.given.latin);
  return nicknames !== undefined && r.chance(0.3) ? r.pick(nicknames) : '';
}

// Own line, a prepaid line, or (associates share phones) the line of someone in the circle.
function contactNumber(world: World, person: PersonFacts, r: Rand): string {
  const own = world.phoneOf(person.index);
  const burners = world.burnersOf(person.index);
  let line: number | null = null;
  const u = r.next();
  if (burners.length > 0 && u < 0.4) line = r.pick(burners);
  else if (own !== null && u < 0.8) line = own;
  else if (u < 0.9) {
    for (const associate of world.associates(person.index)) {
      line = world.phoneOf(associate);
      if (line !== null) break;
    }
  }
  return line === null ? '' : writtenNumber(world.phone(line).number, r.int(8));
}

function describe(person: PersonFacts, role: Role, r: Rand): string {
  const parts: string[] = [];
  if (role === 'suspect' || r.chance(0.3)) {
    const height = (person.gender === 'male' ? 168 : 155) + r.int(25);
    parts.push(`Approx. ${height} cm, ${r.pick(BUILDS)}, ${r.pick(HAIR)}.`);
  }
  if (person.marks !== null && r.chance(0.85)) parts.push(`Distinguishing marks: ${person.marks}.`);
  if (role === 'suspect' && r.chance(0.2)) parts.push(r.pick(REMARKS));
  return parts.join(' ');
}
