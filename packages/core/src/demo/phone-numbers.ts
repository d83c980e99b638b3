// Phone numbers come only from ranges reserved for fiction: Ofcom's drama numbers in the UK and
// 555-0100..0199 in every North American area code. The capacity of those ranges caps the number
// of phones in the demo world.

/** A phone number split the way people write it: country code, area code, local number. */
export interface PhoneNumber {
  country: '44' | '1';
  area: string;
  local: string;
}

// Ofcom drama ranges: area code and the local prefix before the three free digits.
const UK_RANGES: readonly (readonly [string, string])[] = [
  ['7700', '900'],
  ['20', '79460'],
  ['113', '4960'],
  ['114', '4960'],
  ['115', '4960'],
  ['116', '4960'],
  ['117', '4960'],
  ['118', '4960'],
  ['121', '4960'],
  ['131', '4960'],
  ['141', '4960'],
  ['151', '4960'],
  ['161', '4960'],
  ['191', '4980'],
  ['28', '96496'],
  ['29', '20180'],
  ['1632', '960'],
  ['306', '9990'],
];

// Area codes of the form NXX with X in 0-8, skipping the N11 service codes.
const US_AREA_CODES: readonly string[] = (() => {
  const codes: string[] = [];
  for (let a = 2; a <= 9; a++) {
    for (let b = 0; b <= 8; b++) {
      for (let c = 0; c <= 9; c++) {
        if (b === 1 && c === 1) continue;
        codes.push(`${a}${b}${c}`);
      }
    }
  }
  return codes;
})();

const UK_CAPACITY = UK_RANGES.length * 1000;

/** How many distinct fictional numbers exist, and so the most phones the world may hold. */
export const PHONE_CAPACITY = UK_CAPACITY + US_AREA_CODES.length * 100;

/** The i-th fictional number (0 <= i < PHONE_CAPACITY); UK mobile numbers come first. */
export function fictionalNumber(i: number): PhoneNumber {
  if (i < UK_CAPACITY) {
    const [area, prefix] = UK_RANGES[Math.floor(i / 1000)] ?? ['7700', '900'];
    return { country: '44', area, local: `${prefix}${String(i % 1000).padStart(3, '0')}` };
  }
  const j = i - UK_CAPACITY;
  const area = US_AREA_CODES[Math.floor(j / 100) % US_AREA_CODES.length] ?? '201';
  return { country: '1', area, local: `55501${String(j % 100).padStart(2, '0')}` };
}

/** E.164 form (+447700900123), as network records hold numbers. */
export function e164(n: PhoneNumber): string {
  return `+${n.country}${n.area}${n.local}`;
}

function splitLocal(local: string): [string, string] {
  const cut = local.length - 4 >= 3 ? local.length - 4 : 3;
  return [local.slice(0, cut), local.slice(cut)];
}

/** The number written in one of the ways subscribers and clerks write it (variant 0-7). */
export function writtenNumber(n: PhoneNumber, variant: number): string {
  const full = `${n.area}${n.local}`;
  if (n.country === '1') {
    const exchange = n.local.slice(0, 3);
    const line = n.local.slice(3);
    switch (variant % 4) {
      case 0:
        return `+1 (${n.area}) ${exchange}-${line}`;
      case 1:
        return `+1-${n.area}-${exchange}-${line}`;
      case 2:
        return `+1${full}`;
      default:
        return `+1 ${n.area} ${exchange} ${line}`;
    }
  }
  const [head, tail] = splitLocal(n.local);
  switch (variant % 8) {
    case 0:
      return `+44 ${n.area} ${n.local}`;
    case 1:
      return `0${full}`;
    case 2:
      return `(0)${n.area}-${head}-${tail}`;
    case 3:
      return `+44 (0)${n.area} ${n.local}`;
    case 4:
      return `0${n.area} ${head} ${tail}`;
    case 5:
      return `+44${full}`;
    case 6:
      return `0044 ${n.area} ${n.local}`;
    default:
      return `(0${n.area}) ${head} ${tail}`;
  }
}
