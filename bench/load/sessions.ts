// Signed-in sessions for the load generator, opened straight in the store (only hashes of their
// secrets are kept there, as sign-in would), and the records the workload asks about.
import { randomBytes, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import pg from 'pg';
import { hashToken } from '@casegraph/core';

/** One signed-in analyst: the session secret, and the case the analyst works on. */
export interface LoadSession {
  token: string;
  userId: string;
  caseId: string;
}

/**
 * Opens a browser session for each of the first `count` analysts (ending the sessions earlier runs
 * left), and writes their secrets to `file` (readable by its owner only).
 */
export async function openLoadSessions(target: string, count: number, file: string): Promise<LoadSession[]> {
  const client = new pg.Client({ connectionString: target });
  await client.connect();
  try {
    const members = (
      await client.query<{ user_id: string; case_id: string }>(
        `select m.user_id, m.case_id from case_members m join users u on u.id = m.user_id
         where u.id like 'load-user-%' order by substring(u.id from 11)::int limit $1`,
        [count],
      )
    ).rows;
    if (members.length < count) throw new Error(`the store has ${members.length} analysts on cases, fewer than the ${count} sessions asked for`);
    await client.query(`delete from sessions where user_id like 'load-user-%'`);
    const sessions = members.map((m) => ({ token: randomBytes(24).toString('base64url'), userId: m.user_id, caseId: m.case_id }));
    const now = new Date();
    const expires = new Date(now.getTime() + 11 * 3_600_000);
    for (let from = 0; from < sessions.length; from += 5000) {
      const part = sessions.slice(from, from + 5000);
      await client.query(
        `insert into sessions (id, token_hash, kind, user_id, name, created_at, last_used_at, expires_at, banner_acknowledged_at)
         select u.id, u.hash, 'session', u.user_id, null, $4, $4, $5, $4 from unnest($1::text[], $2::text[], $3::text[]) as u(id, hash, user_id)`,
        [part.map(() => randomUUID()), part.map((s) => hashToken(s.token)), part.map((s) => s.userId), now, expires],
      );
    }
    writeFileSync(file, JSON.stringify(sessions) + '\n', { mode: 0o600 });
    return sessions;
  } finally {
    await client.end();
  }
}

/** What the workload asks about: names and phones of people, company names, profiles, nodes to expand. */
export interface LoadTargets {
  names: string[];
  phones: string[];
  companies: string[];
  profiles: string[];
  expand: string[];
}

/** Draws the records the workload asks about, `count` of each, at random from the store. */
export async function drawLoadTargets(target: string, shape: { people: number; companies: number; relationships: number }, count: number): Promise<LoadTargets> {
  const client = new pg.Client({ connectionString: target });
  await client.connect();
  const pick = (prefix: string, of: number) => Array.from({ length: count }, () => `${prefix}${1 + Math.floor(Math.random() * of)}`);
  try {
    const values = async (ids: string[], property: string) =>
      (await client.query<{ value: string }>('select value from statements where entity_id = any($1::text[]) and property = $2', [ids, property])).rows.map((r) => r.value);
    const people = pick('lp', shape.people);
    return {
      names: await values(people, 'name'),
      phones: await values(people, 'phone'),
      companies: await values(pick('lc', shape.companies), 'name'),
      profiles: [...people.slice(0, Math.floor(count * 0.8)), ...pick('lc', shape.companies).slice(0, Math.ceil(count * 0.2))],
      // Both ends of random relationships: people and companies that have at least one edge, now and then a busy company.
      expand: (await client.query<{ value: string }>(`select value from statements where entity_id = any($1::text[]) and prop_type = 'entity'`, [pick('lr', shape.relationships)])).rows.map((r) => r.value),
    };
  } finally {
    await client.end();
  }
}
