// How many entities of each kind the world holds, and which ranks of people each source covers.
//
// People are ordered by a hidden rank. Each source that holds records about people covers a
// window of ranks (phone lines, bank accounts, vehicle keepers, first directors, investors); the
// windows overlap a little, so some people appear in two sources by construction, and people no
// window covers appear in the passenger records. That is how every person appears somewhere while
// the output stays small. Further appearances (extra board seats, second vehicles, co-travellers,
// case subjects, prepaid lines) are drawn at random with a bias to the lowest ranks, the persons
// of interest, and give the duplicates entity resolution has to find.

import { PHONE_CAPACITY } from './phone-numbers.js';

/** How many real-world entities of each kind the world holds. */
export interface WorldCounts {
  persons: number;
  companies: number;
  addresses: number;
  vehicles: number;
  phones: number;
  accounts: number;
}

/** A run of person ranks, wrapping around at the end. */
export interface RankWindow {
  start: number;
  size: number;
}

/** The sizes of every part of the world. */
export interface WorldLayout {
  counts: WorldCounts;
  /** Persons of interest: ranks below this. */
  interest: number;
  /** Nominee directors fronting shells: the ranks just after the persons of interest. */
  nominees: number;
  /** Ranks extra board seats and similar picks are drawn from. */
  busyBand: number;
  /** Companies by rank: shells, then firms registered at a director's home, then firms with offices. */
  shells: number;
  homeBased: number;
  /** Addresses by index: homes (one per pair of persons), offices, then formation agents. */
  homes: number;
  offices: number;
  agents: number;
  /** Phone lines by index: primary lines (ranks 0..), prepaid lines of persons of interest, business lines. */
  primaryPhones: number;
  burnerPhones: number;
  /** Accounts by index: persons' accounts, then companies' (by company rank). */
  personAccounts: number;
  companyAccounts: number;
  /** Person accounts beyond the persons of interest. */
  accountWindow: RankWindow;
  /** Vehicles whose keeper comes from a window; the rest are extra vehicles of busy people. */
  keptVehicles: number;
  vehicleWindow: RankWindow;
  directorWindow: RankWindow;
  investorWindow: RankWindow;
  /** Trips beyond the covering ones, led mostly by persons of interest. */
  extraTrips: number;
  cases: number;
}

const OVERLAP = 0.1;

/** Plans a world of about `total` entities. */
export function planWorld(total: number): WorldLayout {
  const share = (s: number) => Math.max(1, Math.round(total * s));
  const companies = share(0.15);
  const vehicles = share(0.06);
  const phones = Math.min(share(0.07), PHONE_CAPACITY);
  const accountsWanted = Math.max(2, share(0.04));
  const shells = Math.max(1, Math.min(companies, Math.round(companies * 0.08)));
  const ordinary = companies - shells;
  const homeBased = Math.round(ordinary * 0.35);
  const officeBased = ordinary - homeBased;
  const offices = Math.min(officeBased, Math.max(officeBased > 0 ? 1 : 0, Math.round(total * 0.03)));
  const agents = Math.max(1, Math.round(shells / 40));
  // Homes are half the persons, so solve persons + persons / 2 = what the other kinds leave.
  const rest = companies + vehicles + phones + accountsWanted + offices + agents;
  const persons = Math.max(2, Math.round(((total - rest) * 2) / 3));
  const homes = Math.ceil(persons / 2);

  const interest = Math.max(1, Math.round(persons * 0.03));
  const nominees = Math.max(1, Math.min(persons - interest, Math.round(persons * 0.002)));
  const primaryPhones = Math.min(persons, Math.round(phones * 0.78));
  const burnerPhones = Math.min(phones - primaryPhones, Math.round(phones * 0.07));
  const personAccounts = Math.min(persons, Math.max(1, Math.round(accountsWanted * 0.75)));
  const companyAccounts = Math.min(companies, accountsWanted - personAccounts);
  const keptVehicles = Math.round(vehicles * 0.85);

  let end = primaryPhones;
  const next = (wanted: number): RankWindow => {
    const size = Math.min(persons, Math.max(0, wanted));
    const start = Math.max(0, end - Math.round(size * OVERLAP)) % persons;
    end = start + size;
    return { start, size };
  };
  const accountWindow = next(personAccounts - Math.min(personAccounts, interest));
  const vehicleWindow = next(keptVehicles);
  const directorWindow = next(ordinary);
  const investorWindow = next(Math.ceil(ordinary / 3));

  return {
    counts: { persons, companies, addresses: homes + offices + agents, vehicles, phones, accounts: personAccounts + companyAccounts },
    interest,
    nominees,
    busyBand: Math.max(1, Math.round(persons * 0.35)),
    shells,
    homeBased,
    homes,
    offices,
    agents,
    primaryPhones,
    burnerPhones,
    personAccounts,
    companyAccounts,
    accountWindow,
    keptVehicles,
    vehicleWindow,
    directorWindow,
    investorWindow,
    extraTrips: Math.max(1, Math.round(total * 0.004)),
    cases: Math.max(1, Math.round(total * 0.008)),
  };
}

/** Position of a rank inside a window, or -1 when the window does not cover it. */
export function windowPosition(window: RankWindow, rank: number, persons: number): number {
  if (window.size === 0) return -1;
  const offset = (((rank - window.start) % persons) + persons) % persons;
  return offset < window.size ? offset : -1;
}

/** The rank at a position of a window. */
export function windowRank(window: RankWindow, position: number, persons: number): number {
  return (window.start + position) % persons;
}
