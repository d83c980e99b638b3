// Word lists the demo world is built from. Streets, towns, companies, banks and carriers are
// invented; makes, models, airports and SIC codes are real categories that identify nobody.

function words(list: string): string[] {
  return list
    .trim()
    .split(/\s+/)
    .map((w) => w.replace(/_/g, ' '));
}

const STREET_PREFIXES = words(`Ash Beck Birch Bram Brook Cal Chal Cold Crane Dun Elder Fair Fern Fox Glen Gold
  Hare Hazel Heath Holly Kings Lark Lin Long Marsh Mere Mill Moor Nor Oak Pen Quarry Raven Red Rook Rush Salt Sand
  Shep Silver Stan Stone Thorn Wey Whit Wil Wood Wren`);
const STREET_SUFFIXES = words('bury field gate ham hurst ley mere more ridge stead ton well wick wood dale brook');

/** Street name stems: invented compounds, plus the ordinary names every town has. */
export const STREET_STEMS: readonly string[] = [
  ...words('High Church Station Mill Victoria Queen_Anne Market Bridge Park School Chapel Manor Castle Springfield'),
  ...STREET_PREFIXES.flatMap((p) => STREET_SUFFIXES.map((s) => `${p}${s}`)),
];

/** A street type with the abbreviations clerks use for it. */
export interface StreetType {
  full: string;
  short: readonly string[];
}

/** Street types and their usual abbreviations. */
export const STREET_TYPES: readonly StreetType[] = [
  { full: 'Street', short: ['St', 'St.'] },
  { full: 'Road', short: ['Rd', 'Rd.'] },
  { full: 'Avenue', short: ['Ave', 'Av.'] },
  { full: 'Lane', short: ['Ln', 'La.'] },
  { full: 'Drive', short: ['Dr', 'Dr.'] },
  { full: 'Close', short: ['Cl', 'Cl.'] },
  { full: 'Court', short: ['Ct', 'Ct.'] },
  { full: 'Crescent', short: ['Cres', 'Cres.'] },
  { full: 'Place', short: ['Pl', 'Pl.'] },
  { full: 'Gardens', short: ['Gdns', 'Gdns.'] },
  { full: 'Terrace', short: ['Terr', 'Ter.'] },
  { full: 'Grove', short: ['Gr', 'Gro.'] },
  { full: 'Square', short: ['Sq', 'Sq.'] },
  { full: 'Way', short: ['Wy'] },
];

/** Invented towns, each with a postcode area whose first letter (Q, V or X) no real UK area uses. */
export const TOWNS: readonly { name: string; area: string }[] = words(`Ashby_Fenwick Brackenford Calderwick
  Dunmore_Vale Eastholme Fallowmere Garrowby Hollinsford Inverlaith Kestleton Langmere Marrowgate Northcombe
  Oxenhope_Green Pellbridge Quenby_Cross Ravensholt Saltmere Thistlecombe Upper_Wyndham Varrowfield Wexcombe
  Yarrowby Allerstone Bramhope_Magna Corringham_Leys Dalesworth Elmbridge_Vale Foxhollow Greyhaven Harrowdene
  Ivelford Kinsale_Bay Lowther_Cross Moorhaven Nettleford Oakhanger_Wells Penmarrow Rushcombe Stowbridge_Heath`).map(
  (name, i) => ({ name, area: `${'QVX'[i % 3] ?? 'Q'}${'ABCDEFGHJKLMNPRSTUWYZ'[Math.floor(i / 3) % 21] ?? 'A'}` }),
);

/** Letters used in the inward part of UK-style postcodes. */
export const POSTCODE_LETTERS = 'ABDEFGHJLNPQRSTUWXYZ';

/** First words of invented company names. */
export const COMPANY_STEMS: readonly string[] = words(`Northgate Southbank Eastbrook Westfield Silverline Bluewater
  Redstone Greenleaf Blackthorn Whitecliff Goldcrest Ironbridge Oakridge Pinecrest Riverside Stonebridge Highfield
  Lakeside Meadowbank Harbourside Crownhill Kingsway Queensbury Summit Pinnacle Apex Vertex Meridian Horizon Zenith
  Atlas Orion Phoenix Falcon Kestrel Osprey Heron Sterling Beacon Anchor Compass Keystone Cornerstone Lighthouse
  Granite Cobalt Amber Jade Sapphire Emerald Onyx Quartz Velvet Copperfield Brightwater Clearwater Deepdale Elmwood
  Fairhaven Glenmore Hillcrest Ivybridge Juniper Larkspur Marlowe Nightingale Oakmere Primrose Quayside Rosewood
  Thornbury Trident Unity Vanguard Wharfside Yew_Tree Albion Belgrave Cavendish Dorchester Evergreen Foxglove`);

/** Trade words of invented company names. */
export const COMPANY_TRADES: readonly string[] = words(`Holdings Ventures Capital Trading Logistics Consulting
  Properties Investments Developments Solutions Services Imports Freight Construction Engineering Foods Motors Leisure
  Security Recruitment Media Technologies Partners Management Estates Textiles Pharma Energy Marine Interiors`);

/** Optional words between the trade and the legal form of invented company names. */
export const COMPANY_QUALIFIERS: readonly string[] = words('Group International UK Europe Global (UK) &_Co Northern');

/** A legal form: how it is written in names, and how the register describes it. */
export interface LegalForm {
  suffix: string;
  variants: readonly string[];
  register: string;
}

/** Legal forms of the demo companies. */
export const LEGAL_FORMS: readonly LegalForm[] = [
  { suffix: 'Ltd', variants: ['Limited', 'Ltd.', 'LTD'], register: 'Private limited company' },
  { suffix: 'Limited', variants: ['Ltd', 'Ltd.'], register: 'Private limited company' },
  { suffix: 'LLP', variants: ['L.L.P.', 'Limited Liability Partnership'], register: 'Limited liability partnership' },
  { suffix: 'PLC', variants: ['plc', 'Public Limited Company'], register: 'Public limited company' },
];

/** SIC 2007 codes of trades that turn up in financial investigations. */
export const SIC_CODES: readonly string[] = words(`64209 68100 70229 46900 49410 41100 56101 62020 47110 45111 82990
  96090 77110 52290 43999 68209 74909 66190 47910 55100`);

/** Invented banks with invented four-letter codes (no real BIC starts with these). */
export const BANKS: readonly { name: string; code: string; sortPrefix: string; bic: string }[] = [
  { name: 'Harbourmere Bank', code: 'QHBK', sortPrefix: '90', bic: 'QHBKGB2L' },
  { name: 'Stonebridge Savings', code: 'QSBS', sortPrefix: '91', bic: 'QSBSGB21' },
  { name: 'Northvale Building Society', code: 'QNVB', sortPrefix: '92', bic: 'QNVBGB2N' },
  { name: 'Carrow & Finch Private Bank', code: 'QCFP', sortPrefix: '93', bic: 'QCFPGB2L' },
  { name: 'Meridian Crown Bank', code: 'QMCB', sortPrefix: '94', bic: 'QMCBGB2M' },
  { name: 'Larkspur Mutual', code: 'QLKM', sortPrefix: '95', bic: 'QLKMGB21' },
];

/** Vehicle makes and their models. */
export const VEHICLE_MODELS: readonly { make: string; models: readonly string[] }[] = [
  { make: 'Ford', models: ['Fiesta', 'Focus', 'Transit', 'Kuga', 'Puma'] },
  { make: 'Vauxhall', models: ['Corsa', 'Astra', 'Vivaro', 'Mokka'] },
  { make: 'Volkswagen', models: ['Golf', 'Polo', 'Passat', 'Tiguan', 'Transporter'] },
  { make: 'BMW', models: ['1 Series', '3 Series', '5 Series', 'X5'] },
  { make: 'Mercedes-Benz', models: ['A-Class', 'C-Class', 'E-Class', 'Sprinter'] },
  { make: 'Audi', models: ['A3', 'A4', 'A6', 'Q5'] },
  { make: 'Toyota', models: ['Yaris', 'Corolla', 'RAV4', 'Prius'] },
  { make: 'Nissan', models: ['Qashqai', 'Micra', 'Juke'] },
  { make: 'Kia', models: ['Sportage', 'Ceed', 'Picanto'] },
  { make: 'Peugeot', models: ['208', '308', '3008'] },
  { make: 'Renault', models: ['Clio', 'Megane', 'Trafic'] },
  { make: 'Skoda', models: ['Octavia', 'Fabia', 'Superb'] },
  { make: 'Land Rover', models: ['Range Rover', 'Discovery', 'Defender'] },
  { make: 'Volvo', models: ['XC60', 'XC90', 'V40'] },
  { make: 'Tesla', models: ['Model 3', 'Model Y'] },
];

/** Vehicle colours as registers record them. */
export const COLOURS: readonly string[] = words('Black White Silver Grey Blue Red Green Yellow Orange Bronze Beige Purple Maroon Gold');

/** Fuel types as registers record them. */
export const FUELS: readonly string[] = words('Petrol Petrol Diesel Diesel Hybrid Electric');

/** Distinguishing marks: patterns, motifs and places on the body. */
export const MARK_MOTIFS: readonly string[] = words(`swallow rose dagger anchor spider_web skull dragon star
  crown compass wolf butterfly snake clock barbed_wire lion`);
/** Places on the body where marks are described. */
export const MARK_PLACES: readonly string[] = words(`left_wrist right_wrist left_forearm right_forearm neck
  back_of_the_right_hand back_of_the_left_hand left_shoulder right_calf chest upper_back left_ankle`);

/** Airports by IATA code. */
export const AIRPORTS: readonly string[] = words(`LHR LGW STN LTN MAN BHX EDI GLA BRS NCL AMS CDG FRA MAD BCN FCO IST
  DXB ATH WAW KRK LOS ACC DEL LIS AGP ALC DUB`);

/** Invented carriers' two-character designators. */
export const CARRIERS: readonly string[] = words('Q7 X9 V3 Q4 X2');

/** Nature-of-control statements as company registers word them. */
export const CONTROL_NATURES: readonly { text: string; low: number; high: number }[] = [
  { text: 'ownership-of-shares-25-to-50-percent', low: 25, high: 50 },
  { text: 'ownership-of-shares-50-to-75-percent', low: 51, high: 75 },
  { text: 'ownership-of-shares-75-to-100-percent', low: 76, high: 100 },
];

/** Free-text payment references. */
export const PAYMENT_REFERENCES: readonly string[] = [
  'INVOICE',
  'CONSULTANCY FEE',
  'LOAN',
  'LOAN REPAYMENT',
  'RENT',
  'GOODS',
  'DEPOSIT',
  'MANAGEMENT FEE',
  'DIVIDEND',
  'SALARY',
  'GIFT',
  'CAR',
  'TRANSFER',
];
