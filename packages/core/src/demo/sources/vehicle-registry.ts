import { beforeReference, isoDate, isoOf } from '../calendar.js';
import { csvFile, query } from '../mapping-file.js';
import { Shuffle, hashText } from '../random.js';
import type { DemoSource, SourceOutput } from '../source-output.js';
import { writtenAddress, writtenBirthDate, writtenName } from '../variants.js';
import type { World } from '../world.js';

const VEHICLES = csvFile('vehicles.csv', [
  'registration_mark',
  'make',
  'model',
  'colour',
  'fuel_type',
  'date_first_registered',
  'keeper_ref',
  'keeper_title',
  'keeper_forenames',
  'keeper_surname',
  'keeper_birth_date',
  'keeper_address',
  'keeper_town',
  'keeper_postcode',
  'keeper_since',
]);

const vehiclesQuery = query(VEHICLES, {
  vehicle: {
    schema: 'Vehicle',
    keys: ['registration_mark'],
    properties: {
      registrationNumber: { column: 'registration_mark' },
      model: { columns: ['make', 'model'], join: ' ' },
      description: { template: '{{colour}} {{make}} {{model}}, {{fuel_type}}' },
      registrationDate: { column: 'date_first_registered' },
    },
  },
  keeper: {
    schema: 'Person',
    keys: ['keeper_ref'],
    properties: {
      name: { columns: ['keeper_forenames', 'keeper_surname'], join: ' ' },
      birthDate: { column: 'keeper_birth_date' },
      address: { columns: ['keeper_address', 'keeper_town', 'keeper_postcode'], join: ', ' },
    },
  },
  keeping: {
    schema: 'Ownership',
    keys: ['keeper_ref', 'registration_mark'],
    properties: {
      owner: { entity: 'keeper' },
      asset: { entity: 'vehicle' },
      role: { literal: 'registered keeper' },
      startDate: { column: 'keeper_since' },
    },
  },
});

const TAG = hashText('vehicle-registry');
const TITLES = { male: ['MR', 'MR', 'DR'], female: ['MRS', 'MS', 'MISS', 'DR'] } as const;

/** The vehicle register: vehicles and their registered keepers, names in capitals, clerks' slips. */
export const vehicleRegistry: DemoSource = {
  policy: {
    id: 'vehicle-registry',
    name: 'Vehicle keeper register (demo)',
    owner: 'Vehicle Licensing Agency (fictional)',
    legal_basis: 'Road Vehicles (Registration and Licensing) Regulations 2002, reg. 27 disclosure to the police',
    purposes: ['criminal-investigation', 'fraud-audit', 'oversight', 'administration'],
    markings: [],
    retention_days: 2555,
    sensitive_categories: [],
    may_combine: true,
    contact: 'disclosures@vla.example',
    description:
      'Registered vehicles with their current keeper; a few vehicles also show the previous keeper. Keepers are recorded per vehicle, so a person keeping two vehicles has two keeper records.',
  },
  queries: [vehiclesQuery],
  steps: (world) => world.counts.vehicles,
  run: writeVehicles,
};

async function writeVehicles(world: World, out: SourceOutput): Promise<void> {
  const vehicles = out.open(vehiclesQuery);
  const n = world.counts.vehicles;
  const keeperRefs = new Shuffle(n * 2, TAG);
  const width = String(n * 2).length;
  for (let v = 0; v < n; v++) {
    const r = world.rand(TAG, v);
    const vehicle = world.vehicle(v);
    const previous = r.chance(0.04) ? world.pickAdult(r, 0, world.counts.persons) : null;
    const handedOver = vehicle.registered + 300 + r.int(2500);
    const keepers = previous === null ? [vehicle.keeper] : [previous, vehicle.keeper];
    // One spelling per vehicle: the mark is the key, and rows of one vehicle must share it.
    const mark = r.chance(0.15) ? vehicle.plate.replace(' ', '') : vehicle.plate;
    keepers.forEach((keeper, turn) => {
      const person = world.person(keeper);
      const name = writtenName(person, r, { noise: 0.15, nativeScript: 0 });
      const home = writtenAddress(world.address(person.home), r, 0.2);
      const current = turn === keepers.length - 1;
      vehicles.write(
        {
          registration_mark: mark,
          make: vehicle.make.toUpperCase(),
          model: vehicle.model.toUpperCase(),
          colour: vehicle.colour.toUpperCase(),
          fuel_type: vehicle.fuel.toUpperCase(),
          date_first_registered: isoDate(vehicle.registered),
          keeper_ref: `K${String(keeperRefs.forward(v * 2 + turn)).padStart(width, '0')}`,
          keeper_title: r.chance(0.7) ? r.pick(TITLES[person.gender]) : '',
          keeper_forenames: `${name.given}${name.middle === '' ? '' : ` ${name.middle}`}`.toUpperCase(),
          keeper_surname: name.surname.toUpperCase(),
          keeper_birth_date: current ? writtenBirthDate(person.birth, r, 0.05, 0.05) : isoOf(person.birth),
          keeper_address: home.line1.toUpperCase(),
          keeper_town: home.town.toUpperCase(),
          keeper_postcode: home.postcode.toUpperCase(),
          keeper_since: isoDate(beforeReference(Math.max(world.adultFrom(keeper) - 365, current && previous !== null ? handedOver : vehicle.registered))),
        },
        turn === 0 ? { vehicle: vehicle.id, keeper: person.id } : { keeper: person.id },
      );
    });
    if ((v & 255) === 255) await out.pace(v + 1);
  }
  await out.pace(n);
}
