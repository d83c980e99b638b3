import { REFERENCE_DAY, isoDate, isoDateTime } from '../calendar.js';
import { csvFile, query } from '../mapping-file.js';
import { e164, writtenNumber } from '../phone-numbers.js';
import { type Rand, Shuffle, hashText } from '../random.js';
import type { DemoSource, SourceOutput } from '../source-output.js';
import { writtenAddress, writtenBirthDate, writtenCompanyName, writtenName } from '../variants.js';
import type { World } from '../world.js';

const SUBSCRIBERS = csvFile('subscribers.csv', [
  'msisdn',
  'subscriber_ref',
  'title',
  'first_name',
  'last_name',
  'date_of_birth',
  'address',
  'postcode',
  'tariff',
  'activated_on',
]);

const BUSINESS_SUBSCRIBERS = csvFile('business-subscribers.csv', [
  'msisdn',
  'account_ref',
  'company_name',
  'company_number',
  'billing_address',
  'activated_on',
]);

const CALLS = csvFile('calls.csv', ['call_id', 'caller_msisdn', 'receiver_msisdn', 'started_at', 'duration_seconds']);

const subscribersQuery = query(SUBSCRIBERS, {
  subscriber: {
    schema: 'Person',
    keys: ['subscriber_ref'],
    properties: {
      name: { columns: ['first_name', 'last_name'], join: ' ' },
      birthDate: { column: 'date_of_birth' },
      phone: { column: 'msisdn' },
      address: { columns: ['address', 'postcode'], join: ', ' },
    },
  },
});

const businessQuery = query(BUSINESS_SUBSCRIBERS, {
  business: {
    schema: 'Company',
    keys: ['account_ref'],
    properties: {
      name: { column: 'company_name' },
      registrationNumber: { column: 'company_number' },
      phone: { column: 'msisdn' },
      address: { column: 'billing_address' },
    },
  },
});

const callsQuery = query(CALLS, {
  call: {
    schema: 'Call',
    keys: ['call_id'],
    properties: {
      callerNumber: { column: 'caller_msisdn' },
      receiverNumber: { column: 'receiver_msisdn' },
      date: { column: 'started_at' },
      duration: { column: 'duration_seconds' },
    },
  },
});

const TAG = hashText('phone-subscribers');
const CALL_TAG = hashText('phone-subscribers/calls');
const CALLS_PER_LINE = 4;
const FIRST_CALL_DAY = REFERENCE_DAY - 540;

/** A network operator's subscriber records and call detail records, as disclosed on request. */
export const phoneSubscribers: DemoSource = {
  policy: {
    id: 'phone-subscribers',
    name: 'Mobile network subscriber and call records (demo)',
    owner: 'Fictional Mobile Networks plc',
    legal_basis: 'Communications data authorisation under the Investigatory Powers Act 2016, Part 3',
    purposes: ['criminal-investigation', 'oversight'],
    markings: ['COMMS-DATA'],
    retention_days: 365,
    sensitive_categories: ['communications'],
    may_combine: true,
    contact: 'lawful-disclosure@mobile.example',
    description:
      'Subscriber details for personal and business lines, and call records between lines. Prepaid subscribers often gave partial details; numbers are written as subscribers gave them.',
  },
  queries: [subscribersQuery, businessQuery, callsQuery],
  steps: (world) => world.counts.phones,
  run: writePhones,
};

async function writePhones(world: World, out: SourceOutput): Promise<void> {
  const subscribers = out.open(subscribersQuery);
  const business = out.open(businessQuery);
  const calls = out.open(callsQuery);
  const n = world.counts.phones;
  const refs = new Shuffle(n, TAG);
  const callIds = new Shuffle(n * CALLS_PER_LINE, CALL_TAG);
  const width = String(n).length;
  const callWidth = String(n * CALLS_PER_LINE).length;
  for (let k = 0; k < n; k++) {
    const r = world.rand(TAG, k);
    const line = world.phone(k);
    const written = writtenNumber(line.number, r.int(8));
    const ref = String(refs.forward(k)).padStart(width, '0');
    if (line.holder.kind === 'person') {
      const person = world.person(line.holder.person);
      const prepaid = line.holder.burner || r.chance(0.3);
      // Only second (prepaid) lines carry names in native script: every person's guaranteed record
      // is in Latin script, so a native-script name always has a Latin twin somewhere.
      const name = writtenName(person, r, { noise: prepaid ? 0.4 : 0.12, nativeScript: line.holder.burner ? 0.4 : 0 });
      const home = writtenAddress(world.address(person.home), r, 0.25);
      const sparse = prepaid && r.chance(0.6);
      // Prepaid lines bought for cash may carry no address at all.
      const noAddress = line.holder.burner && r.chance(0.5);
      subscribers.write(
        {
          msisdn: written,
          subscriber_ref: `S${ref}`,
          title: '',
          first_name: name.given,
          last_name: name.surname,
          date_of_birth: sparse ? '' : writtenBirthDate(person.birth, r, 0.05, 0.08),
          address: noAddress ? '' : [home.line1, home.town].filter((s) => s !== '').join(', '),
          postcode: noAddress ? '' : home.postcode,
          tariff: prepaid ? 'PAYG' : 'CONTRACT',
          activated_on: isoDate(line.activated),
        },
        { subscriber: person.id },
      );
    } else {
      const company = world.company(line.holder.company);
      const office = writtenAddress(world.address(company.address), r, 0.2);
      business.write(
        {
          msisdn: written,
          account_ref: `B${ref}`,
          company_name: writtenCompanyName(company, r, 0.35),
          company_number: r.chance(0.6) ? company.number : '',
          billing_address: [office.line1, office.town, office.postcode].filter((s) => s !== '').join(', '),
          activated_on: isoDate(line.activated),
        },
        { business: company.id },
      );
    }
    writeCalls(world, k, r, (j, receiver, started, seconds) => {
      calls.write({
        call_id: `C${String(callIds.forward(k * CALLS_PER_LINE + j)).padStart(callWidth, '0')}`,
        caller_msisdn: e164(line.number),
        receiver_msisdn: e164(world.phone(receiver).number),
        started_at: started,
        duration_seconds: String(seconds),
      });
    });
    if ((k & 255) === 255) await out.pace(k + 1);
  }
  await out.pace(n);
}

// Lines call the lines of their holder's associates; prepaid lines of persons of interest call
// each other far more than ordinary lines do.
function writeCalls(
  world: World,
  k: number,
  r: Rand,
  emit: (j: number, receiver: number, started: string, seconds: number) => void,
): void {
  const line = world.phone(k);
  if (line.holder.kind !== 'person') return;
  const burner = line.holder.burner;
  const count = burner ? 2 + r.int(CALLS_PER_LINE - 1) : r.chance(0.45) ? 1 + r.int(2) : 0;
  if (count === 0) return;
  const contacts: number[] = [];
  for (const associate of world.associates(line.holder.person)) {
    const lines = burner ? world.burnersOf(associate) : [];
    const own = world.phoneOf(associate);
    if (lines.length > 0) contacts.push(...lines);
    else if (own !== null) contacts.push(own);
  }
  for (let j = 0; j < count; j++) {
    const receiver = contacts.length > 0 && r.chance(0.85) ? r.pick(contacts) : r.int(world.counts.phones);
    if (receiver === k) continue;
    const day = FIRST_CALL_DAY + r.int(530);
    const seconds = 20 + r.int(r.chance(0.2) ? 2400 : 300);
    emit(j, receiver, isoDateTime(day, 7 * 3600 + r.int(16 * 3600)), seconds);
  }
}
