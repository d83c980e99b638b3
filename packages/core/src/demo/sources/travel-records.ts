import { REFERENCE_DAY, isoDate, isoOf } from '../calendar.js';
import { jsonlFile, query } from '../mapping-file.js';
import { Rand, Shuffle, hashText, mixKey } from '../random.js';
import type { DemoSource, RowWriter, SourceOutput } from '../source-output.js';
import { addressText, typo, writtenAddress, writtenName } from '../variants.js';
import { AIRPORTS, CARRIERS } from '../vocabulary.js';
import type { World } from '../world.js';

const MANIFESTS = jsonlFile('passenger-manifests.jsonl', [
  'booking_ref',
  'passenger_no',
  'carrier',
  'flight_number',
  'departure_airport',
  'arrival_airport',
  'departure_date',
  'surname',
  'given_names',
  'date_of_birth',
  'gender',
  'nationality',
  'document_type',
  'document_number',
  'document_country',
  'contact_address',
  'seat',
]);

const manifestsQuery = query(MANIFESTS, {
  traveller: {
    schema: 'Person',
    keys: ['booking_ref', 'passenger_no'],
    properties: {
      name: { columns: ['given_names', 'surname'], join: ' ' },
      birthDate: { column: 'date_of_birth' },
      nationality: { column: 'nationality' },
      passportNumber: { column: 'document_number' },
      address: { column: 'contact_address' },
    },
  },
  // Event rather than Trip: Trip wants airport entities as start and end, and airports would
  // become hubs joining every traveller in the graph.
  flight: {
    schema: 'Event',
    keys: ['carrier', 'flight_number', 'departure_date'],
    properties: {
      name: { template: 'Flight {{carrier}}{{flight_number}} {{departure_airport}}-{{arrival_airport}}' },
      date: { column: 'departure_date' },
      involved: { entity: 'traveller' },
    },
  },
});

type ManifestColumn = (typeof MANIFESTS.columns)[number];

const TAG = hashText('travel-records');
const ROUTE_TAG = hashText('travel-records/routes');
const BOOKING_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const FIRST_DAY = REFERENCE_DAY - 1000;

/** Advance passenger information: who flew, with which document, on which flight, with whom. */
export const travelRecords: DemoSource = {
  policy: {
    id: 'travel-records',
    name: 'Advance passenger information (demo)',
    owner: 'Border Targeting Centre (fictional)',
    legal_basis: 'Passenger name record processing for the prevention and detection of serious crime (PNR directive as transposed)',
    purposes: ['criminal-investigation', 'oversight'],
    markings: ['BORDER'],
    retention_days: 1825,
    sensitive_categories: ['travel'],
    may_combine: false,
    contact: 'api-disclosures@border.example',
    description:
      'Passenger manifests as carriers transmit them: one row per passenger per booking, names as in the travel document (Latin script, capitals), with the contact address given at booking. Passengers of one booking travelled together. May not be combined with other sources without a case-level decision.',
  },
  queries: [manifestsQuery],
  // One step per person (most travel; some lead a booking) and one per extra trip.
  steps: (world) => world.counts.persons + world.layout.extraTrips,
  run: writeTravel,
};

async function writeTravel(world: World, out: SourceOutput): Promise<void> {
  const manifests = out.open(manifestsQuery);
  const persons = world.counts.persons;
  const steps = persons + world.layout.extraTrips;
  const bookings = new Shuffle(BOOKING_ALPHABET.length ** 6, TAG);
  for (let t = 0; t < steps; t++) {
    // Everyone no other source covers books a trip, so every person appears somewhere; extra
    // trips are led mostly by persons of interest, often together.
    const party = t < persons ? (world.primaryOf(t) === 'travel' ? coveringParty(world, t, world.rand(TAG, t, 1)) : null) : extraParty(world, world.rand(TAG, t, 1));
    if (party !== null) writeBooking(world, manifests, t, party, bookingRef(bookings.forward(t)));
    if ((t & 255) === 255) await out.pace(t + 1);
  }
  await out.pace(steps);
}

function writeBooking(world: World, manifests: RowWriter<ManifestColumn, 'traveller' | 'flight'>, t: number, party: number[], booking: string): void {
  const r = world.rand(TAG, t);
  const carrier = r.pick(CARRIERS);
  const flight = 100 + r.int(900);
  // The flight number fixes the route, so everyone on one flight flies the same way.
  const route = new Rand(mixKey(world.seed, ROUTE_TAG, hashText(carrier), flight));
  const from = route.pick(AIRPORTS);
  let to = route.pick(AIRPORTS);
  if (to === from) to = from === 'LHR' ? 'AMS' : 'LHR';
  const departure = isoDate(FIRST_DAY + r.int(990));
  const row = 10 + r.int(25);
  party.forEach((p, i) => {
    const person = world.person(p);
    const name = writtenName(person, r, { noise: 0.03, nativeScript: 0 });
    const document = r.chance(0.02) ? typo(person.passport, r) : person.passport;
    manifests.write(
      {
        booking_ref: booking,
        passenger_no: String(i + 1),
        carrier,
        flight_number: String(flight),
        departure_airport: from,
        arrival_airport: to,
        departure_date: departure,
        surname: name.surname.toUpperCase(),
        given_names: `${name.given}${name.middle === '' ? '' : ` ${name.middle}`}`.toUpperCase().replace(/\./g, ''),
        date_of_birth: isoOf(person.birth),
        gender: person.gender,
        nationality: person.nationality,
        document_type: 'P',
        document_number: document,
        document_country: person.nationality,
        contact_address: addressText(writtenAddress(world.address(person.home), r, 0.3)),
        seat: `${row}${'ABCDEF'.charAt(i % 6)}`,
      },
      { traveller: person.id },
    );
  });
}

function coveringParty(world: World, lead: number, r: Rand): number[] {
  const u = r.next();
  if (u < 0.25) return [lead, ...world.household(lead)];
  if (u < 0.35) return [lead, r.pick(world.associates(lead).concat(lead))].filter((p, i, all) => all.indexOf(p) === i);
  return [lead];
}

function extraParty(world: World, r: Rand): number[] {
  const lead = world.pickPerson(r, 0.5);
  const party = [lead];
  const size = 1 + r.int(3);
  for (const p of world.associates(lead)) if (party.length < size) party.push(p);
  return party;
}

function bookingRef(x: number): string {
  let out = '';
  let rest = x;
  for (let i = 0; i < 6; i++) {
    out += BOOKING_ALPHABET.charAt(rest % BOOKING_ALPHABET.length);
    rest = Math.floor(rest / BOOKING_ALPHABET.length);
  }
  return out;
}
