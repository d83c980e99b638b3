import { REFERENCE_DAY, isoDate } from '../calendar.js';
import { type EntityMapping, jsonlFile, query } from '../mapping-file.js';
import { type Rand, Shuffle, hashText } from '../random.js';
import type { DemoSource, SourceOutput } from '../source-output.js';
import { addressText, fullName, writtenAddress, writtenBirthDate, writtenCompanyName, writtenName } from '../variants.js';
import { PAYMENT_REFERENCES } from '../vocabulary.js';
import type { AccountFacts, World } from '../world.js';

const PERSONAL = jsonlFile('personal-accounts.jsonl', [
  'customer_id',
  'iban',
  'account_number',
  'sort_code',
  'bank_name',
  'account_type',
  'currency',
  'opened_on',
  'title',
  'first_names',
  'surname',
  'date_of_birth',
  'address',
  'postcode',
]);

const BUSINESS = jsonlFile('business-accounts.jsonl', [
  'customer_id',
  'iban',
  'account_number',
  'sort_code',
  'bank_name',
  'account_type',
  'currency',
  'opened_on',
  'company_name',
  'company_number',
  'registered_address',
]);

const PAYMENTS = jsonlFile('payments.jsonl', [
  'transaction_id',
  'booking_date',
  'amount',
  'currency',
  'payer_customer_id',
  'payer_name',
  'payer_iban',
  'beneficiary_customer_id',
  'beneficiary_name',
  'beneficiary_iban',
  'reference',
]);

type SharedColumn = 'customer_id' | 'iban' | 'account_number' | 'bank_name' | 'opened_on';

// The account and its holding read the same columns in personal and business files.
const ACCOUNT_ENTITY: EntityMapping<SharedColumn> = {
  schema: 'BankAccount',
  keys: ['iban'],
  properties: {
    iban: { column: 'iban' },
    accountNumber: { column: 'account_number' },
    bankName: { column: 'bank_name' },
    openingDate: { column: 'opened_on' },
  },
};

const HOLDING_ENTITY: EntityMapping<SharedColumn> = {
  schema: 'Ownership',
  keys: ['customer_id', 'iban'],
  properties: {
    owner: { entity: 'holder' },
    asset: { entity: 'account' },
    role: { literal: 'account holder' },
    startDate: { column: 'opened_on' },
  },
};

const personalQuery = query(PERSONAL, {
  account: ACCOUNT_ENTITY,
  holder: {
    schema: 'Person',
    keys: ['customer_id'],
    properties: {
      name: { columns: ['first_names', 'surname'], join: ' ' },
      birthDate: { column: 'date_of_birth' },
      address: { columns: ['address', 'postcode'], join: ', ' },
    },
  },
  holding: HOLDING_ENTITY,
});

const businessQuery = query(BUSINESS, {
  account: ACCOUNT_ENTITY,
  holder: {
    schema: 'Company',
    keys: ['customer_id'],
    properties: {
      name: { column: 'company_name' },
      registrationNumber: { column: 'company_number' },
      address: { column: 'registered_address' },
    },
  },
  holding: HOLDING_ENTITY,
});

const paymentsQuery = query(PAYMENTS, {
  payment: {
    schema: 'Payment',
    keys: ['transaction_id'],
    properties: {
      amount: { column: 'amount' },
      currency: { column: 'currency' },
      date: { column: 'booking_date' },
      purpose: { column: 'reference' },
      payer: { entity: 'payer' },
      beneficiary: { entity: 'beneficiary' },
      payerAccount: { entity: 'payer_account' },
      beneficiaryAccount: { entity: 'beneficiary_account' },
    },
  },
  payer: {
    schema: 'LegalEntity',
    keys: ['payer_customer_id'],
    properties: { name: { column: 'payer_name' } },
  },
  beneficiary: {
    schema: 'LegalEntity',
    keys: ['beneficiary_customer_id'],
    properties: { name: { column: 'beneficiary_name' } },
  },
  // Keyed by IBAN like the accounts files, so FtM gives them the accounts' ids.
  payer_account: { schema: 'BankAccount', keys: ['payer_iban'], properties: {} },
  beneficiary_account: { schema: 'BankAccount', keys: ['beneficiary_iban'], properties: {} },
});

const TAG = hashText('bank-records');
const PAYMENT_TAG = hashText('bank-records/payments');
const PAYMENTS_PER_ACCOUNT = 5;
const FIRST_BOOKING_DAY = REFERENCE_DAY - 900;

/** Account and payment records produced to a financial investigation by the demo banks. */
export const bankRecords: DemoSource = {
  policy: {
    id: 'bank-records',
    name: 'Bank account and payment records (demo)',
    owner: 'Financial Intelligence Unit (fictional), on production orders to six banks',
    legal_basis: 'Production orders under the Proceeds of Crime Act 2002, s.345',
    purposes: ['financial-investigation', 'criminal-investigation', 'fraud-audit', 'oversight'],
    markings: ['FIN-INTEL'],
    retention_days: 2555,
    sensitive_categories: ['financial'],
    may_combine: true,
    contact: 'fiu-disclosures@fiu.example',
    description:
      'Customer due-diligence records of personal and business accounts, and the payments booked on them. Counterparty names are as the paying bank recorded them.',
  },
  queries: [personalQuery, businessQuery, paymentsQuery],
  steps: (world) => world.counts.accounts,
  run: writeBank,
};

async function writeBank(world: World, out: SourceOutput): Promise<void> {
  const personal = out.open(personalQuery);
  const business = out.open(businessQuery);
  const payments = out.open(paymentsQuery);
  const n = world.counts.accounts;
  const customers = new Shuffle(n, TAG);
  const transactions = new Shuffle(n * PAYMENTS_PER_ACCOUNT, PAYMENT_TAG);
  const width = String(n).length;
  const txWidth = String(n * PAYMENTS_PER_ACCOUNT).length;
  const customerId = (b: number) => `CU${String(customers.forward(b)).padStart(width, '0')}`;
  const partyName = (b: number, r: Rand): string => {
    const holder = world.account(b).holder;
    if (holder.kind === 'company') return writtenCompanyName(world.company(holder.company), r, 0.4).toUpperCase();
    const name = writtenName(world.person(holder.person), r, { noise: 0.25, nativeScript: 0 });
    return (r.chance(0.5) ? `${name.given.charAt(0)} ${name.surname}` : fullName(name, r, 0.3)).toUpperCase();
  };

  for (let b = 0; b < n; b++) {
    const r = world.rand(TAG, b);
    const account = world.account(b);
    const common = {
      customer_id: customerId(b),
      iban: account.iban,
      account_number: account.accountNumber,
      sort_code: `${account.sortCode.slice(0, 2)}-${account.sortCode.slice(2, 4)}-${account.sortCode.slice(4)}`,
      bank_name: account.bank.name,
      currency: 'GBP',
      opened_on: isoDate(account.opened),
    };
    if (account.holder.kind === 'person') {
      const person = world.person(account.holder.person);
      const name = writtenName(person, r, { noise: 0.12, nativeScript: 0 });
      const home = writtenAddress(world.address(person.home), r, 0.2);
      personal.write(
        {
          ...common,
          account_type: r.chance(0.8) ? 'current' : 'savings',
          title: r.chance(0.5) ? (person.gender === 'male' ? 'Mr' : r.pick(['Mrs', 'Ms', 'Miss'])) : '',
          first_names: `${name.given}${name.middle === '' ? '' : ` ${name.middle}`}`,
          surname: name.surname,
          date_of_birth: writtenBirthDate(person.birth, r, 0.03, 0.06),
          address: [home.line1, home.town].filter((s) => s !== '').join(', '),
          postcode: home.postcode,
        },
        { account: account.id, holder: person.id },
      );
    } else {
      const company = world.company(account.holder.company);
      business.write(
        {
          ...common,
          account_type: 'business current',
          company_name: writtenCompanyName(company, r, 0.2),
          company_number: r.chance(0.85) ? company.number : '',
          registered_address: addressText(writtenAddress(world.address(company.address), r, 0.2)),
        },
        { account: account.id, holder: company.id },
      );
    }

    const targets = paymentTargets(world, account, r);
    targets.forEach((target, j) => {
      const day = FIRST_BOOKING_DAY + r.int(880);
      const beneficiary = world.account(target.account);
      payments.write({
        transaction_id: `TX${String(transactions.forward(b * PAYMENTS_PER_ACCOUNT + j)).padStart(txWidth, '0')}`,
        booking_date: isoDate(day),
        amount: target.amount.toFixed(2),
        currency: r.chance(0.9) ? 'GBP' : 'EUR',
        payer_customer_id: customerId(b),
        payer_name: partyName(b, r),
        payer_iban: account.iban,
        beneficiary_customer_id: customerId(target.account),
        beneficiary_name: partyName(target.account, r),
        beneficiary_iban: beneficiary.iban,
        reference: target.reference,
      });
    });
    if ((b & 255) === 255) await out.pace(b + 1);
  }
  await out.pace(n);
}

interface PaymentTarget {
  account: number;
  amount: number;
  reference: string;
}

// Money follows the hidden network: people pay associates and family, persons of interest feed
// shells just under reporting thresholds, shells pass money up their ownership chain to the person
// behind them, and ordinary firms pay their directors.
function paymentTargets(world: World, account: AccountFacts, r: Rand): PaymentTarget[] {
  const out: PaymentTarget[] = [];
  const add = (target: number | null, amount: number, reference: string) => {
    if (target !== null && target !== account.index && out.length < PAYMENTS_PER_ACCOUNT) {
      out.push({ account: target, amount: Math.round(amount * 100) / 100, reference });
    }
  };
  const { companyAccounts, shells, personAccounts } = world.layout;
  if (account.holder.kind === 'person') {
    const person = world.person(account.holder.person);
    const count = person.interest ? 2 + r.int(3) : r.chance(0.5) ? 1 + r.int(2) : 0;
    for (let j = 0; j < count; j++) {
      const u = r.next();
      if (person.interest && u < 0.4 && companyAccounts > 0) {
        const shell = world.companyAtRank(r.int(Math.min(shells, companyAccounts)));
        add(world.companyAccountOf(shell), 9000 + r.int(990) + r.next(), r.pick(['CONSULTANCY FEE', 'INVOICE', 'LOAN']));
      } else if (u < 0.75) {
        const near = [...world.associates(person.index), ...world.household(person.index)];
        const holders = near.map((p) => world.accountOf(p)).filter((a): a is number => a !== null);
        if (holders.length > 0) add(r.pick(holders), 20 + r.int(person.interest ? 5000 : 800) + r.next(), r.pick(PAYMENT_REFERENCES));
      } else if (companyAccounts > 0) {
        add(personAccounts + r.int(companyAccounts), 10 + r.int(2000) + r.next(), r.pick(['GOODS', 'INVOICE', 'DEPOSIT']));
      }
    }
    return out;
  }
  const company = account.holder.company;
  const count = r.chance(0.6) ? 1 + r.int(2) : 0;
  const control = world.control(company);
  for (let j = 0; j < count; j++) {
    if (control.parent !== null) {
      add(world.companyAccountOf(control.parent.company), 5000 + r.int(45000) + r.next(), 'MANAGEMENT FEE');
    } else if (control.people.length > 0) {
      const owner = r.pick(control.people).person;
      add(world.accountOf(owner), 1000 + r.int(20000) + r.next(), r.pick(['DIVIDEND', 'SALARY', 'LOAN']));
    }
  }
  return out;
}
