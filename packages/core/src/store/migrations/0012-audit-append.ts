import { sql, type Kysely } from 'kysely';

/**
 * Appending to the audit log in one statement. Every audited request appends; done from the
 * application it took a lock of the head, the rows and the head's move (and in a batch of its own
 * a begin and a commit too), each a round trip. `audit_append` does it where the head is: it locks
 * the head (held to the end of the caller's transaction, as before), numbers the events on from
 * it, appends their leaves to the Merkle frontier (RFC 9162 hashes: SHA-256 of 0x00 and the leaf's
 * bytes, of 0x01 and two children), stores the rows and moves the head.
 *
 * A leaf's bytes are the canonical JSON of the event's fields with its number first. The number
 * is known only here, so the application sends the rest: `tails[i]` is the JSON that follows
 * `["<seq>",` for the i-th event. Verification recomputes every leaf from the stored rows, in the
 * application, and so checks this function too.
 *
 * Answers the first event's number, or null when there is no head yet (the application makes it
 * from the stored events first, then appends as before).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create or replace function audit_append(events jsonb, tails text[]) returns bigint
    language plpgsql as $fn$
    declare
      head_size bigint;
      head jsonb;
      hashes bytea[];
      carry bytea;
      remaining bigint;
      first bigint;
      i integer;
    begin
      select size, frontier into head_size, head from audit_head where id = 1 for update;
      if not found then
        return null;
      end if;
      if jsonb_array_length(events) <> coalesce(array_length(tails, 1), 0) then
        raise exception 'audit_append: % events but % leaf tails', jsonb_array_length(events), coalesce(array_length(tails, 1), 0);
      end if;
      hashes := coalesce((select array_agg(decode(h, 'base64') order by o) from jsonb_array_elements_text(head->'hashes') with ordinality as f(h, o)), '{}');
      first := head_size + 1;
      for i in 1 .. coalesce(array_length(tails, 1), 0) loop
        carry := sha256('\\x00'::bytea || convert_to('["' || (head_size + 1)::text || '",' || tails[i], 'UTF8'));
        -- Merge equal-sized subtrees from the right, as binary addition carries.
        remaining := head_size;
        while remaining % 2 = 1 loop
          carry := sha256('\\x01'::bytea || hashes[cardinality(hashes)] || carry);
          hashes := hashes[1 : cardinality(hashes) - 1];
          remaining := remaining / 2;
        end loop;
        hashes := hashes || carry;
        head_size := head_size + 1;
      end loop;
      insert into audit_events (seq, at, actor_id, session_id, category, action, case_id, purpose, justification, object_ids, subject_ids, outcome, detail, sealed_terms)
      select first + e.o - 1, (e.v->>'at')::timestamptz, e.v->>'actor_id', e.v->>'session_id', e.v->>'category', e.v->>'action', e.v->>'case_id',
        e.v->>'purpose', e.v->>'justification',
        coalesce((select array_agg(x order by n) from jsonb_array_elements_text(e.v->'object_ids') with ordinality as a(x, n)), '{}'),
        coalesce((select array_agg(x order by n) from jsonb_array_elements_text(e.v->'subject_ids') with ordinality as a(x, n)), '{}'),
        e.v->>'outcome', e.v->'detail', e.v->>'sealed_terms'
      from jsonb_array_elements(events) with ordinality as e(v, o);
      update audit_head set size = head_size,
        frontier = jsonb_build_object('size', head_size, 'hashes', coalesce((select jsonb_agg(encode(h, 'base64') order by o) from unnest(hashes) with ordinality as u(h, o)), '[]'::jsonb))
      where id = 1;
      return first;
    end
    $fn$`.execute(db);
}
