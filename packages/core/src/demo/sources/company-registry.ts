import { beforeReference, isoDate, isoMonth } from '../calendar.js';
import { csvFile, query } from '../mapping-file.js';
import { Shuffle, hashText } from '../random.js';
import type { DemoSource, SourceOutput } from '../source-output.js';
import { addressText, writtenAddress, writtenCompanyName, writtenName } from '../variants.js';
import type { World } from '../world.js';

const COMPANIES = csvFile('companies.csv', [
  'company_number',
  'company_name',
  'company_type',
  'company_status',
  'incorporation_date',
  'dissolution_date',
  'address_line_1',
  'post_town',
  'postcode',
  'sic_code',
]);

const OFFICERS = csvFile('officers.csv', [
  'officer_id',
  'company_number',
  'company_name',
  'officer_name',
  'officer_role',
  'appointed_on',
  'resigned_on',
  'date_of_birth',
  'nationality',
  'occupation',
  'service_address',
]);

const SHAREHOLDERS = csvFile('shareholders.csv', [
  'shareholder_id',
  'company_number',
  'company_name',
  'shareholder_name',
  'date_of_birth',
  'nationality',
  'country_of_residence',
  'address_line_1',
  'post_town',
  'postcode',
  'shares_held',
  'share_percent',
  'notified_on',
]);

const CORPORATE_SHAREHOLDERS = csvFile('corporate-shareholders.csv', [
  'holding_id',
  'company_number',
  'company_name',
  'parent_company_number',
  'parent_company_name',
  'share_percent',
  'notified_on',
]);

const companiesQuery = query(COMPANIES, {
  company: {
    schema: 'Company',
    keys: ['company_number'],
    properties: {
      name: { column: 'company_name' },
      registrationNumber: { column: 'company_number' },
      legalForm: { column: 'company_type' },
      status: { column: 'company_status' },
      incorporationDate: { column: 'incorporation_date' },
      dissolutionDate: { column: 'dissolution_date' },
      jurisdiction: { literal: 'gb' },
      addressEntity: { entity: 'registered_office' },
    },
  },
  registered_office: {
    schema: 'Address',
    keys: ['address_line_1', 'postcode'],
    properties: {
      full: { columns: ['address_line_1', 'post_town', 'postcode'], join: ', ' },
    },
  },
});

const officersQuery = query(OFFICERS, {
  officer: {
    schema: 'Person',
    keys: ['officer_id'],
    properties: {
      name: { column: 'officer_name' },
      birthDate: { column: 'date_of_birth' },
      nationality: { column: 'nationality' },
      address: { column: 'service_address' },
    },
  },
  // Keyed like the companies file, so FtM gives it the same id: a reference, not a new record.
  company: { schema: 'Company', keys: ['company_number'], properties: {} },
  directorship: {
    schema: 'Directorship',
    keys: ['officer_id', 'company_number'],
    properties: {
      director: { entity: 'officer' },
      organization: { entity: 'company' },
      role: { column: 'officer_role' },
      startDate: { column: 'appointed_on' },
      endDate: { column: 'resigned_on' },
    },
  },
});

const shareholdersQuery = query(SHAREHOLDERS, {
  shareholder: {
    schema: 'Person',
    keys: ['shareholder_id'],
    properties: {
      name: { column: 'shareholder_name' },
      birthDate: { column: 'date_of_birth' },
      nationality: { column: 'nationality' },
      address: { columns: ['address_line_1', 'post_town', 'postcode'], join: ', ' },
    },
  },
  // Keyed like the companies file, so FtM gives it the same id: a reference, not a new record.
  company: { schema: 'Company', keys: ['company_number'], properties: {} },
  holding: {
    schema: 'Ownership',
    keys: ['shareholder_id', 'company_number'],
    properties: {
      owner: { entity: 'shareholder' },
      asset: { entity: 'company' },
      percentage: { column: 'share_percent' },
      startDate: { column: 'notified_on' },
    },
  },
});

const corporateQuery = query(CORPORATE_SHAREHOLDERS, {
  parent: {
    schema: 'Company',
    keys: ['parent_company_number'],
    properties: {
      name: { column: 'parent_company_name' },
      registrationNumber: { column: 'parent_company_number' },
    },
  },
  company: { schema: 'Company', keys: ['company_number'], properties: {} },
  holding: {
    schema: 'Ownership',
    keys: ['holding_id'],
    properties: {
      owner: { entity: 'parent' },
      asset: { entity: 'company' },
      percentage: { column: 'share_percent' },
      startDate: { column: 'notified_on' },
      summary: { template: '{{parent_company_name}} holds {{share_percent}}% of {{company_name}}' },
    },
  },
});

const OCCUPATIONS = [
  'Company Director',
  'Director',
  'Businessman',
  'Consultant',
  'Accountant',
  'Property Developer',
  'Sales Manager',
  'Engineer',
  'Retired',
  'Solicitor',
  'Builder',
  'Restaurateur',
];
const TITLES = { male: ['Mr', 'Mr', 'Dr'], female: ['Mrs', 'Ms', 'Miss', 'Dr'] } as const;

const TAG = hashText('company-registry');
const SHARES_ISSUED = [100, 1000, 10000, 1];

/** The public register of companies: companies, officers and shareholders, largely clean. */
export const companyRegistry: DemoSource = {
  policy: {
    id: 'company-registry',
    name: 'Companies register (demo)',
    owner: 'Registrar of Companies (fictional)',
    legal_basis: 'Public register open to inspection under the Companies Act 2006, s.1085',
    purposes: ['criminal-investigation', 'financial-investigation', 'fraud-audit', 'journalistic-research', 'oversight', 'administration'],
    markings: [],
    retention_days: 3650,
    sensitive_categories: [],
    may_combine: true,
    contact: 'register-data@registrar.example',
    description:
      'Bulk extract of the companies register: companies with registered offices, officers, and shareholders (individual and corporate). Officers are listed once per appointment.',
  },
  queries: [companiesQuery, officersQuery, shareholdersQuery, corporateQuery],
  steps: (world) => world.counts.companies,
  run: writeRegistry,
};

async function writeRegistry(world: World, out: SourceOutput): Promise<void> {
  const companies = out.open(companiesQuery);
  const officers = out.open(officersQuery);
  const shareholders = out.open(shareholdersQuery);
  const corporate = out.open(corporateQuery);
  const n = world.counts.companies;
  const officerIds = new Shuffle(n * 4, TAG ^ 1);
  const holdingIds = new Shuffle(n * 4, TAG ^ 2);
  const idWidth = String(n * 4).length;
  for (let c = 0; c < n; c++) {
    const r = world.rand(TAG, c);
    const company = world.company(c);
    const office = writtenAddress(world.address(company.address), r, 0);
    companies.write(
      {
        company_number: company.number,
        company_name: company.name.toUpperCase(),
        company_type: company.form.register,
        company_status: company.status,
        incorporation_date: isoDate(company.incorporated),
        dissolution_date: company.dissolved === null ? '' : isoDate(company.dissolved),
        address_line_1: office.line1,
        post_town: office.town.toUpperCase(),
        postcode: office.postcode,
        sic_code: company.sic,
      },
      { company: company.id, registered_office: world.entityId('address', company.address) },
    );

    for (const appointment of world.board(c)) {
      const person = world.person(appointment.person);
      const name = writtenName(person, r, { noise: 0.12, nativeScript: 0 });
      const given = name.middle === '' ? name.given : `${name.given} ${name.middle}`;
      officers.write(
        {
          officer_id: `OF${String(officerIds.forward(c * 4 + appointment.slot)).padStart(idWidth, '0')}`,
          company_number: company.number,
          company_name: company.name.toUpperCase(),
          officer_name: `${name.surname.toUpperCase()}, ${given}`,
          officer_role: appointment.role,
          appointed_on: isoDate(appointment.appointed),
          resigned_on: appointment.resigned === null ? '' : isoDate(appointment.resigned),
          date_of_birth: isoMonth(person.birth),
          nationality: person.nationality,
          occupation: company.shell ? 'Company Director' : r.pick(OCCUPATIONS),
          service_address: addressText(writtenAddress(world.address(person.home), r, 0.1)),
        },
        { officer: person.id },
      );
    }

    const control = world.control(c);
    const issued = r.pick(SHARES_ISSUED);
    // Small firms' filings often lag; shells' and investors' holdings always show.
    const listed = company.shell || world.investorOf(c) !== null || r.chance(0.25);
    for (const holder of listed ? control.people : []) {
      const person = world.person(holder.person);
      const name = writtenName(person, r, { noise: 0.12, nativeScript: 0 });
      const home = writtenAddress(world.address(person.home), r, 0.1);
      const title = r.chance(0.15) ? `${r.pick(TITLES[person.gender])} ` : '';
      shareholders.write(
        {
          shareholder_id: `SH${String(holdingIds.forward(c * 4 + holder.slot)).padStart(idWidth, '0')}`,
          company_number: company.number,
          company_name: company.name.toUpperCase(),
          shareholder_name: `${title}${name.given}${name.middle === '' ? '' : ` ${name.middle}`} ${name.surname}`,
          date_of_birth: isoMonth(person.birth),
          nationality: person.nationality,
          country_of_residence: 'gb',
          address_line_1: home.line1,
          post_town: home.town,
          postcode: home.postcode,
          shares_held: String(Math.max(1, Math.round((issued * holder.percent) / 100))),
          share_percent: String(holder.percent),
          notified_on: isoDate(beforeReference(Math.max(company.incorporated, world.adultFrom(person.index)) + r.int(400))),
        },
        { shareholder: person.id },
      );
    }
    if (control.parent !== null) {
      const parent = world.company(control.parent.company);
      corporate.write({
        holding_id: `CH${String(holdingIds.forward(c * 4 + 3)).padStart(idWidth, '0')}`,
        company_number: company.number,
        company_name: company.name.toUpperCase(),
        parent_company_number: parent.number,
        parent_company_name: writtenCompanyName(parent, r, 0.3),
        share_percent: String(control.parent.percent),
        notified_on: isoDate(beforeReference(Math.max(company.incorporated, parent.incorporated) + r.int(400))),
      });
    }
    if ((c & 255) === 255) await out.pace(c + 1);
  }
  await out.pace(n);
}
