import { readFileSync } from 'node:fs';
import { normalizeName } from './names.js';

// Three levels up from both src/search/normalize and dist/search/normalize is packages/core.
const TABLE_URL = new URL('../../../data/nicknames.csv', import.meta.url);

let fullNamesByNickname: Map<string, string[]> | undefined;

// Read on first use so that importing core costs nothing for callers that never compare names.
function fullNamesOf(nickname: string): string[] {
  fullNamesByNickname ??= readNicknameTable(readFileSync(TABLE_URL, 'utf8'));
  return fullNamesByNickname.get(nickname) ?? [];
}

function readNicknameTable(csv: string): Map<string, string[]> {
  const [header, ...rows] = csv.split(/\r?\n/u);
  if (header !== 'name,nickname') throw new Error(`nicknames.csv: unexpected header "${header ?? ''}"`);
  const table = new Map<string, string[]>();
  for (const row of rows) {
    const [name, nickname] = row.split(',');
    if (name === undefined || nickname === undefined || name === '' || nickname === '') continue;
    const names = table.get(nickname);
    if (names === undefined) table.set(nickname, [name]);
    else names.push(name);
  }
  return table;
}

/** The given names a token may stand for, itself first: `nameGroups('Peggy')` is ['peggy', 'margaret'], `nameGroups('robert')` ['robert']. */
export function nameGroups(token: string): string[] {
  const normalized = normalizeName(token);
  if (normalized === '') return [];
  return [normalized, ...fullNamesOf(normalized).filter((name) => name !== normalized)];
}

/** Whether two given names may be the same name, directly or through a nickname: `sameGivenName('Bill', 'William')`. */
export function sameGivenName(a: string, b: string): boolean {
  const groups = new Set(nameGroups(a));
  return nameGroups(b).some((name) => groups.has(name));
}
