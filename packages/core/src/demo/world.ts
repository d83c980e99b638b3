// The hidden world behind the demo sources. Every fact is computed from (seed, kind, index), and
// every relation by index arithmetic over seeded bijections (see world-layout.ts for the plan), so
// a fact can be recomputed wherever a source needs it and the world is never held in memory.

import { type CivilDate, REFERENCE_DAY, civilDate, dayNumber } from './calendar.js';
import { PLATE_SPACE, ibanOf, plateOf } from './identifiers.js';
import { type GivenName, type Origin, type Surname, STREET_ALIASES, originAt } from './names.js';
import { type PhoneNumber, fictionalNumber } from './phone-numbers.js';
import { Rand, Shuffle, hashText, mixKey } from './random.js';
import {
  BANKS,
  COLOURS,
  COMPANY_QUALIFIERS,
  COMPANY_STEMS,
  COMPANY_TRADES,
  FUELS,
  LEGAL_FORMS,
  type LegalForm,
  MARK_MOTIFS,
  MARK_PLACES,
  POSTCODE_LETTERS,
  SIC_CODES,
  STREET_STEMS,
  STREET_TYPES,
  TOWNS,
  VEHICLE_MODELS,
} from './vocabulary.js';
import { type WorldCounts, type WorldLayout, planWorld, windowPosition, windowRank } from './world-layout.js';

/** A real person of the demo world. */
export interface PersonFacts {
  index: number;
  id: string;
  rank: number;
  origin: Origin;
  gender: 'male' | 'female';
  given: GivenName;
  middle: GivenName | null;
  surname: Surname;
  birth: CivilDate;
  nationality: string;
  home: number;
  interest: boolean;
  marks: string | null;
  alias: string | null;
  passport: string;
}

/** A real company of the demo world. */
export interface CompanyFacts {
  index: number;
  id: string;
  rank: number;
  shell: boolean;
  name: string;
  form: LegalForm;
  number: string;
  incorporated: number;
  dissolved: number | null;
  status: string;
  sic: string;
  address: number;
}

/** A real address of the demo world; each (street, number) pair belongs to one address only. */
export interface AddressFacts {
  index: number;
  id: string;
  unit: { label: 'Flat' | 'Unit' | 'Suite'; number: number } | null;
  number: number;
  stem: string;
  type: number;
  town: number;
  postcode: string;
}

/** A real vehicle of the demo world. */
export interface VehicleFacts {
  index: number;
  id: string;
  plate: string;
  make: string;
  model: string;
  colour: string;
  fuel: string;
  registered: number;
  keeper: number;
}

/** Who a phone line belongs to. */
export type PhoneHolder = { kind: 'person'; person: number; burner: boolean } | { kind: 'company'; company: number };

/** A real phone line of the demo world. */
export interface PhoneFacts {
  index: number;
  number: PhoneNumber;
  holder: PhoneHolder;
  activated: number;
}

/** Who holds a bank account. */
export type AccountHolder = { kind: 'person'; person: number } | { kind: 'company'; company: number };

/** A real bank account of the demo world. */
export interface AccountFacts {
  index: number;
  id: string;
  iban: string;
  accountNumber: string;
  sortCode: string;
  bank: (typeof BANKS)[number];
  holder: AccountHolder;
  opened: number;
}

/** One appointment of a person to a company's board. */
export interface Appointment {
  person: number;
  slot: number;
  role: 'director' | 'secretary';
  appointed: number;
  resigned: number | null;
}

/** Who controls a company: people above the reporting threshold, or one corporate parent. */
export interface Control {
  people: { person: number; slot: number; percent: number }[];
  parent: { company: number; percent: number } | null;
}

/** The source where a person's guaranteed appearance is. */
export type PrimarySource = 'phone' | 'account' | 'vehicle' | 'director' | 'investor' | 'travel';

// One tag per kind of draw, so draws for different facts of the same index never correlate.
const Stream = {
  PersonRank: 1,
  CompanyRank: 2,
  Person: 3,
  Household: 4,
  HomeOrder: 5,
  Address: 7,
  AddressOrder: 8,
  StreetOrder: 9,
  Company: 10,
  CompanyNumber: 11,
  Board: 12,
  Control: 13,
  Vehicle: 16,
  Plate: 17,
  Phone: 18,
  PhoneOrder: 19,
  Account: 20,
  AccountNumber: 21,
  Passport: 22,
  Founded: 23,
} as const;
type Stream = (typeof Stream)[keyof typeof Stream];

const HOUSES_PER_STREET = 48;
const CIRCLE = 5;
const EARLIEST_INCORPORATION = dayNumber(1990, 1, 1);
const LATEST_INCORPORATION = dayNumber(2025, 10, 1);
const EARLIEST_SHELL = dayNumber(2016, 1, 1);
const SHELL_TRADES = ['Holdings', 'Ventures', 'Capital', 'Investments', 'Trading', 'Consulting', 'Management'];
const SHELL_FORMS = LEGAL_FORMS.filter((f) => f.suffix !== 'PLC');
const SHELL_SIC = ['64209', '70229', '68100', '82990', '66190'];

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** The demo world for one seed and size. */
export class World {
  readonly seed: number;
  readonly total: number;
  readonly layout: WorldLayout;
  readonly counts: WorldCounts;
  private readonly idWidth: number;
  private readonly personRanks: Shuffle;
  private readonly companyRanks: Shuffle;
  private readonly homeOrder: Shuffle;
  private readonly addressOrder: Shuffle;
  private readonly streetOrder: Shuffle;
  private readonly companyNumbers: Shuffle;
  private readonly plates: Shuffle;
  private readonly phoneOrder: Shuffle;
  private readonly accountNumbers: Shuffle;
  private readonly passports: Shuffle;
  private readonly streetCount: number;

  constructor(seed: string | number, total: number) {
    this.seed = hashText(`casegraph-demo:${typeof seed}:${String(seed)}`);
    this.total = total;
    this.layout = planWorld(total);
    this.counts = this.layout.counts;
    const c = this.counts;
    this.idWidth = Math.max(6, String(Math.max(c.persons, c.companies, c.addresses, c.vehicles, c.phones, c.accounts)).length);
    const key = (stream: Stream) => mixKey(this.seed, stream, 0);
    this.personRanks = new Shuffle(c.persons, key(Stream.PersonRank));
    this.companyRanks = new Shuffle(c.companies, key(Stream.CompanyRank));
    this.homeOrder = new Shuffle(this.layout.homes, key(Stream.HomeOrder));
    this.addressOrder = new Shuffle(c.addresses, key(Stream.AddressOrder));
    this.streetCount = STREET_STEMS.length * STREET_TYPES.length * TOWNS.length;
    this.streetOrder = new Shuffle(this.streetCount, key(Stream.StreetOrder));
    this.companyNumbers = new Shuffle(100_000_000, key(Stream.CompanyNumber));
    this.plates = new Shuffle(PLATE_SPACE, key(Stream.Plate));
    this.phoneOrder = new Shuffle(c.phones, key(Stream.PhoneOrder));
    this.accountNumbers = new Shuffle(100_000_000, key(Stream.AccountNumber));
    this.passports = new Shuffle(1_000_000_000, key(Stream.Passport));
  }

  /** A generator for the draws of one record of one source (tag from hashText, record index). */
  rand(tag: number, index: number, sub = 0): Rand {
    return new Rand(mixKey(this.seed, tag, index, sub));
  }

  private draw(stream: Stream, index: number): Rand {
    return new Rand(mixKey(this.seed, stream, index));
  }

  /** Ground-truth id of a world entity, e.g. person-000123. */
  entityId(kind: 'person' | 'company' | 'address' | 'vehicle' | 'account', index: number): string {
    return `${kind}-${pad(index, this.idWidth)}`;
  }

  // People ------------------------------------------------------------------------------------

  /** The person holding a rank. */
  personAtRank(rank: number): number {
    return this.personRanks.inverse(rank % this.counts.persons);
  }

  /** A person's rank. */
  rankOf(person: number): number {
    return this.personRanks.forward(person);
  }

  /**
   * Everything known about a person. People live in pairs sharing a home: couples (sharing a
   * surname, mostly), a parent and a child, or flatmates with nothing else in common.
   */
  person(p: number): PersonFacts {
    const pair = Math.floor(p / 2);
    const second = p % 2 === 1;
    const h = this.draw(Stream.Household, pair);
    const kindDraw = h.next();
    const pairOrigin = originAt(h.next());
    const pairSurname = h.next();
    const pairYear = 1945 + h.int(56);
    const parentYear = 1950 + h.int(41);
    const maleFirst = h.chance(0.9);
    const takesName = h.chance(0.75);
    const alone = pair * 2 + 1 >= this.counts.persons;
    const kind = alone ? 'flatmates' : kindDraw < 0.4 ? 'couple' : kindDraw < 0.6 ? 'parent' : 'flatmates';

    const r = this.draw(Stream.Person, p);
    const ownOrigin = originAt(r.next());
    const ownSurname = r.next();
    const origin = kind === 'flatmates' ? ownOrigin : pairOrigin;
    const randomGender = r.chance(0.5) ? 'male' : 'female';
    const gender = kind === 'couple' && maleFirst ? (second ? 'female' : 'male') : randomGender;
    const surnameAt = (u: number) => origin.surnames[Math.floor(u * origin.surnames.length)] as Surname;
    const sharesName = kind === 'parent' || (kind === 'couple' && (!second || takesName));
    const surname = sharesName ? surnameAt(pairSurname) : surnameAt(ownSurname);
    const names = gender === 'male' ? origin.male : origin.female;
    const given = r.pick(names);
    const middleDraw = r.pick(names);
    const middle = r.chance(0.35) && middleDraw !== given ? middleDraw : null;
    let year: number;
    if (kind === 'couple') year = Math.min(2003, pairYear + r.int(9) - 4);
    else if (kind === 'parent') year = second ? Math.min(2015, parentYear + 20 + r.int(19)) : parentYear;
    else year = 1945 + r.int(61);
    const birthDay = dayNumber(year, 1, 1) + r.int(365);
    const rank = this.rankOf(p);
    const interest = rank < this.layout.interest;
    const marks = r.chance(interest ? 0.6 : 0.15) ? describeMark(r) : null;
    const alias = interest && r.chance(0.6) ? r.pick(STREET_ALIASES) : null;
    const nationality = r.pick(origin.nationalities);
    const passportNumber = pad(this.passports.forward(p), 9);
    return {
      index: p,
      id: this.entityId('person', p),
      rank,
      origin,
      gender,
      given,
      middle,
      surname,
      birth: civilDate(birthDay),
      nationality,
      home: this.homeOrder.forward(pair),
      interest,
      marks,
      alias,
      passport: nationality === 'gb' ? passportNumber : `${nationality.toUpperCase()}${passportNumber.slice(2)}`,
    };
  }

  /** The day a person turns 18. */
  adultFrom(p: number): number {
    const birth = this.person(p).birth;
    return dayNumber(birth.year + 18, birth.month, Math.min(birth.day, 28));
  }

  /** True when the person is 18 or over on the reference day. */
  isAdult(p: number): boolean {
    return this.adultFrom(p) <= REFERENCE_DAY;
  }

  /** The other person of a person's home, if any. */
  household(p: number): number[] {
    const other = p % 2 === 0 ? p + 1 : p - 1;
    return other < this.counts.persons ? [other] : [];
  }

  /** Other members of a person's associate circle (people whose ranks share a block). */
  associates(p: number): number[] {
    const rank = this.rankOf(p);
    const base = rank - (rank % CIRCLE);
    const out: number[] = [];
    for (let r = base; r < base + CIRCLE && r < this.counts.persons; r++) if (r !== rank) out.push(this.personAtRank(r));
    return out;
  }

  /** A person drawn with a bias to persons of interest, from the busy band of ranks by default. */
  pickPerson(r: Rand, interestShare: number, band = this.layout.busyBand): number {
    const limit = Math.max(1, Math.min(band, this.counts.persons));
    const rank = r.chance(interestShare) ? r.int(this.layout.interest) : r.int(limit);
    return this.personAtRank(rank);
  }

  /** Like pickPerson, but only adults (a few redraws, then the first person of interest who is one). */
  pickAdult(r: Rand, interestShare: number, band = this.layout.busyBand): number {
    for (let tries = 0; tries < 6; tries++) {
      const p = this.pickPerson(r, interestShare, band);
      if (this.isAdult(p)) return p;
    }
    for (let rank = 0; rank < this.counts.persons; rank++) if (this.isAdult(this.personAtRank(rank))) return this.personAtRank(rank);
    return this.personAtRank(0);
  }

  /** Where a person's guaranteed appearance is: the first window that covers their rank. */
  primaryOf(p: number): PrimarySource {
    const rank = this.rankOf(p);
    const { layout } = this;
    const n = this.counts.persons;
    if (rank < layout.primaryPhones) return 'phone';
    if (this.accountOf(p) !== null) return 'account';
    const adult = this.isAdult(p);
    if (adult && windowPosition(layout.vehicleWindow, rank, n) >= 0) return 'vehicle';
    if (adult && windowPosition(layout.directorWindow, rank, n) >= 0) return 'director';
    if (adult && windowPosition(layout.investorWindow, rank, n) >= 0) return 'investor';
    return 'travel';
  }

  /** The primary phone line of a person, if they have one. */
  phoneOf(p: number): number | null {
    const rank = this.rankOf(p);
    return rank < this.layout.primaryPhones ? rank : null;
  }

  /** Prepaid lines a person of interest keeps besides their own. */
  burnersOf(p: number): number[] {
    const rank = this.rankOf(p);
    const { primaryPhones, burnerPhones, interest } = this.layout;
    const out: number[] = [];
    if (rank >= interest) return out;
    for (let k = primaryPhones + rank; k < primaryPhones + burnerPhones; k += interest) out.push(k);
    return out;
  }

  /** A person's own bank account, if they have one. */
  accountOf(p: number): number | null {
    const rank = this.rankOf(p);
    const first = Math.min(this.layout.interest, this.layout.personAccounts);
    if (rank < first) return rank;
    const position = windowPosition(this.layout.accountWindow, rank, this.counts.persons);
    return position >= 0 ? first + position : null;
  }

  // Companies ---------------------------------------------------------------------------------

  /** The company holding a rank: shells first, then home-based firms, then firms with offices. */
  companyAtRank(rank: number): number {
    return this.companyRanks.inverse(rank % this.counts.companies);
  }

  /** A company's bank account, if it has one (shells do first). */
  companyAccountOf(c: number): number | null {
    const rank = this.companyRanks.forward(c);
    return rank < this.layout.companyAccounts ? this.layout.personAccounts + rank : null;
  }

  /** Everything the register knows about a company, and where it really sits. */
  company(c: number): CompanyFacts {
    const r = this.draw(Stream.Company, c);
    const rank = this.companyRanks.forward(c);
    const { shells, homeBased, homes, offices, agents } = this.layout;
    const shell = rank < shells;
    const stem = r.pick(COMPANY_STEMS);
    const trade = shell ? r.pick(SHELL_TRADES) : r.pick(COMPANY_TRADES);
    const qualifier = r.chance(0.2) ? ` ${r.pick(COMPANY_QUALIFIERS)}` : '';
    const form = shell ? r.pick(SHELL_FORMS) : r.pick(LEGAL_FORMS);
    const { incorporated, dissolved, status } = this.lifespan(c);
    const sic = shell ? r.pick(SHELL_SIC) : r.pick(SIC_CODES);
    let address: number;
    if (shell) address = homes + offices + (rank % agents);
    else if (rank < shells + homeBased || offices === 0) address = this.person(this.board(c)[0]?.person ?? 0).home;
    else address = homes + ((rank - shells - homeBased) % offices);
    return {
      index: c,
      id: this.entityId('company', c),
      rank,
      shell,
      name: `${stem} ${trade}${qualifier} ${form.suffix}`,
      form,
      number: pad(this.companyNumbers.forward(c), 8),
      incorporated,
      dissolved,
      status,
      sic,
      address,
    };
  }

  /** When a company was incorporated and, if it was, dissolved; founders are adults by then. */
  lifespan(c: number): { incorporated: number; dissolved: number | null; status: string } {
    const r = this.draw(Stream.Founded, c);
    const rank = this.companyRanks.forward(c);
    const { shells, directorWindow } = this.layout;
    const earliest = rank < shells ? EARLIEST_SHELL : EARLIEST_INCORPORATION;
    let incorporated = earliest + r.int(LATEST_INCORPORATION - earliest);
    if (rank >= shells) {
      const founder = this.personAtRank(windowRank(directorWindow, rank - shells, this.counts.persons));
      if (this.isAdult(founder)) incorporated = Math.min(REFERENCE_DAY - 1, Math.max(incorporated, this.adultFrom(founder)));
    }
    const statusDraw = r.next();
    const closes = incorporated + 200 + r.int(4000);
    const dissolved = statusDraw < 0.08 && closes < REFERENCE_DAY - 30 ? closes : null;
    return { incorporated, dissolved, status: dissolved !== null ? 'Dissolved' : statusDraw < 0.11 ? 'Liquidation' : 'Active' };
  }

  /**
   * A company's officers. Nominees front the shells; an ordinary firm's first director comes from
   * the director window, further seats from the busy band. Only adults sit on boards.
   */
  board(c: number): Appointment[] {
    const r = this.draw(Stream.Board, c);
    const rank = this.companyRanks.forward(c);
    const { shells, interest, nominees, directorWindow } = this.layout;
    const { incorporated: founded, dissolved } = this.lifespan(c);
    const ends = dissolved ?? REFERENCE_DAY;
    const candidates: number[] = [];
    if (rank < shells) {
      const nominee = this.personAtRank(interest + (rank % nominees));
      candidates.push(this.isAdult(nominee) ? nominee : this.pickAdult(r, 1));
      if (r.chance(0.3)) candidates.push(this.personAtRank(r.int(interest)));
    } else {
      const first = this.personAtRank(windowRank(directorWindow, rank - shells, this.counts.persons));
      candidates.push(this.isAdult(first) ? first : this.pickAdult(r, 0.08));
      const seats = r.chance(0.7) ? 0 : r.chance(0.85) ? 1 : 2;
      for (let i = 0; i < seats; i++) candidates.push(this.pickPerson(r, 0.08));
    }
    const board: Appointment[] = [];
    for (const person of candidates) {
      if (!this.isAdult(person) || board.some((a) => a.person === person)) continue;
      const adult = this.adultFrom(person);
      const slot = board.length;
      const appointed = Math.min(REFERENCE_DAY - 1, Math.max(adult, founded + (slot === 0 ? 0 : r.int(2000))));
      // Later seats only while the company exists; the first seat is its founder's.
      if (slot > 0 && appointed >= ends) continue;
      const leaves = appointed + 100 + r.int(1500);
      const resigned = slot > 0 && r.chance(0.1) && leaves < ends ? leaves : null;
      board.push({ person, slot, role: slot > 0 && r.chance(0.15) ? 'secretary' : 'director', appointed, resigned });
    }
    return board;
  }

  /** The investor of an ordinary company (every third one has one), if that person is an adult. */
  investorOf(c: number): number | null {
    const offset = this.companyRanks.forward(c) - this.layout.shells;
    if (offset < 0 || offset % 3 !== 0) return null;
    const person = this.personAtRank(windowRank(this.layout.investorWindow, offset / 3, this.counts.persons));
    return this.isAdult(person) ? person : null;
  }

  /** Who controls a company: shells chain up to other shells and end at a person of interest. */
  control(c: number): Control {
    const r = this.draw(Stream.Control, c);
    const rank = this.companyRanks.forward(c);
    const { shells, interest } = this.layout;
    if (rank < shells) {
      if (rank + 1 < shells && r.chance(0.55)) return { people: [], parent: { company: this.companyAtRank(rank + 1), percent: 100 } };
      return { people: [{ person: this.personAtRank(r.int(interest)), slot: 0, percent: 75 + r.int(26) }], parent: null };
    }
    const investor = this.investorOf(c);
    if (investor === null && r.chance(0.05)) {
      return { people: [], parent: { company: this.companyAtRank(r.int(shells)), percent: 51 + r.int(50) } };
    }
    const board = this.board(c);
    const people: Control['people'] = [];
    let left = 100;
    if (investor !== null && !board.some((a) => a.person === investor)) {
      const percent = 25 + r.int(25);
      people.push({ person: investor, slot: 3, percent });
      left -= percent;
    }
    const [first, second] = board;
    if (first !== undefined) {
      // A second director holds a stake now and then; below 25% it goes unreported.
      const secondShare = second !== undefined && r.chance(0.4) ? Math.round(left * (0.25 + r.next() * 0.25)) : 0;
      people.push({ person: first.person, slot: 0, percent: left - secondShare });
      if (second !== undefined && secondShare >= 25) people.push({ person: second.person, slot: 1, percent: secondShare });
    }
    return { people, parent: null };
  }

  // Addresses ---------------------------------------------------------------------------------

  /** Everything about an address: homes first, then offices, then formation agents' addresses. */
  address(a: number): AddressFacts {
    const x = this.addressOrder.forward(a);
    const street = Math.floor(x / HOUSES_PER_STREET);
    const lap = Math.floor(street / this.streetCount);
    const number = (x % HOUSES_PER_STREET) + 1 + lap * HOUSES_PER_STREET;
    const k = this.streetOrder.forward(street % this.streetCount);
    const stemIndex = k % STREET_STEMS.length;
    const rest = Math.floor(k / STREET_STEMS.length);
    const type = rest % STREET_TYPES.length;
    const town = Math.floor(rest / STREET_TYPES.length) % TOWNS.length;
    const r = this.draw(Stream.Address, a);
    const { homes, offices } = this.layout;
    const label: 'Flat' | 'Unit' | 'Suite' = a < homes ? 'Flat' : a < homes + offices ? 'Unit' : 'Suite';
    const unit = r.chance(label === 'Suite' ? 0.7 : 0.2) ? { label, number: 1 + r.int(label === 'Flat' ? 24 : 12) } : null;
    const pc = new Rand(mixKey(this.seed, Stream.Address, k, Math.floor(number / 12) + 1));
    const letter = () => POSTCODE_LETTERS.charAt(pc.int(POSTCODE_LETTERS.length));
    const inward = `${1 + pc.int(9)}${letter()}${letter()}`;
    return {
      index: a,
      id: this.entityId('address', a),
      unit,
      number,
      stem: STREET_STEMS[stemIndex] ?? 'High',
      type,
      town,
      postcode: `${TOWNS[town]?.area ?? 'QA'}${1 + (k % 19)} ${inward}`,
    };
  }

  // Vehicles, phones, accounts ----------------------------------------------------------------

  /** Everything about a vehicle and its registered keeper (always an adult). */
  vehicle(v: number): VehicleFacts {
    const r = this.draw(Stream.Vehicle, v);
    const { plate, registered } = plateOf(this.plates.forward(v));
    const maker = r.pick(VEHICLE_MODELS);
    const model = r.pick(maker.models);
    const colour = r.pick(COLOURS);
    const fuel = r.pick(FUELS);
    const first = Math.min(REFERENCE_DAY - 1, registered + r.int(150));
    let keeper: number;
    if (v < this.layout.keptVehicles) {
      keeper = this.personAtRank(windowRank(this.layout.vehicleWindow, v, this.counts.persons));
      if (!this.isAdult(keeper)) keeper = this.pickAdult(r, 0.2);
    } else {
      keeper = this.pickAdult(r, 0.3);
    }
    return { index: v, id: this.entityId('vehicle', v), plate, make: maker.make, model, colour, fuel, registered: first, keeper };
  }

  /** Everything about a phone line and who subscribes to it. */
  phone(k: number): PhoneFacts {
    const r = this.draw(Stream.Phone, k);
    const { primaryPhones, burnerPhones, interest, shells } = this.layout;
    let holder: PhoneHolder;
    if (k < primaryPhones) holder = { kind: 'person', person: this.personAtRank(k), burner: false };
    else if (k < primaryPhones + burnerPhones) holder = { kind: 'person', person: this.personAtRank((k - primaryPhones) % interest), burner: true };
    else {
      const ordinary = Math.max(1, this.counts.companies - shells);
      holder = { kind: 'company', company: this.companyAtRank(Math.min(this.counts.companies - 1, shells + (k % ordinary))) };
    }
    return { index: k, number: fictionalNumber(this.phoneOrder.forward(k)), holder, activated: dayNumber(2012, 1, 1) + r.int(4900) };
  }

  /** Everything about a bank account and its holder. */
  account(b: number): AccountFacts {
    const r = this.draw(Stream.Account, b);
    const bank = r.pick(BANKS);
    const accountNumber = pad(this.accountNumbers.forward(b), 8);
    const sortCode = `${bank.sortPrefix}${pad(r.int(10000), 4)}`;
    const opened = dayNumber(2000, 1, 1) + r.int(9000);
    const { personAccounts, interest, accountWindow } = this.layout;
    const first = Math.min(interest, personAccounts);
    let holder: AccountHolder;
    if (b < first) holder = { kind: 'person', person: this.personAtRank(b) };
    else if (b < personAccounts) holder = { kind: 'person', person: this.personAtRank(windowRank(accountWindow, b - first, this.counts.persons)) };
    else holder = { kind: 'company', company: this.companyAtRank(b - personAccounts) };
    // Children's accounts open at 11 at the earliest; companies' once incorporated.
    const earliest = holder.kind === 'person' ? this.adultFrom(holder.person) - 7 * 365 : this.lifespan(holder.company).incorporated;
    return {
      index: b,
      id: this.entityId('account', b),
      iban: ibanOf('GB', `${bank.code}${sortCode}${accountNumber}`),
      accountNumber,
      sortCode,
      bank,
      holder,
      opened: Math.min(REFERENCE_DAY - 1, Math.max(earliest, opened)),
    };
  }
}

function describeMark(r: Rand): string {
  const place = r.pick(MARK_PLACES);
  switch (r.int(4)) {
    case 0:
    case 1:
      return `tattoo of a ${r.pick(MARK_MOTIFS)} on the ${place}`;
    case 2:
      return `scar on the ${place}`;
    default:
      return `birthmark on the ${place}`;
  }
}
