import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '@casegraph/core';
import { runCli } from './run-cli.js';

const root = mkdtempSync(join(tmpdir(), 'casegraph-cli-connectors-'));

// A REST API of synthetic people, asked live by an HTTP connector.
const API_MAPPING = `
people_api:
  queries:
    - entities:
        person:
          schema: Person
          keys: [ref]
          properties:
            name: { column: name }
            phone: { column: phone }
`;

describe('casegraph connectors', () => {
  let server: Server;
  let data: string;
  let config: string;

  beforeAll(async () => {
    server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      const name = (url.searchParams.get('name') ?? '').toLowerCase();
      const people = [{ ref: 'R-7', name: 'Orla Fenwick-Day', phone: '+44 20 7946 0330' }].filter((p) => name.split(' ').every((w) => p.name.toLowerCase().includes(w)));
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ people }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    data = join(root, 'store');
    writeFileSync(join(root, 'people-api.yml'), API_MAPPING);
    config = join(root, 'casegraph.config.json');
    writeFileSync(
      config,
      JSON.stringify({
        connectors: [
          { kind: 'http', id: 'people-live', source: 'people-api', mapping: 'people-api.yml', search: { name: `${api}/people?name={value}` }, fetch: `${api}/people/{ref}`, results: 'people' },
          { kind: 'yente', id: 'sanctions-down', source: 'sanctions', url: 'http://127.0.0.1:1', timeoutMs: 1000 },
        ],
      }),
    );
    for (const id of ['people-api', 'sanctions']) {
      const run = await runCli(['source', 'register', '--data', data, '--id', id, '--name', id, '--legal-basis', 'Order 2026/4', '--purposes', 'administration']);
      expect(run.code, run.stderr).toBe(0);
    }
  });
  afterAll(() => {
    server.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('lists the connectors the config declares', async () => {
    const run = await runCli(['connectors', 'list', '--data', data, '--config', config]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^people-live {2}http {2}source people-api {2}answers name/m);
    expect(run.stdout).toMatch(/^sanctions-down {2}yente/m);
  });

  it('asks every connector: prints what answered, says which failed, and records each as a consultation', async () => {
    const run = await runCli(['connectors', 'search', 'orla fenwick-day', '--data', data, '--config', config, '--purpose', 'administration', '--justification', 'checking the tip-off', '--format', 'jsonl']);
    expect(run.code, run.stderr).toBe(0);
    const [entity] = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as { schema: string; properties: Record<string, string[]>; provenance: { connector: string; origin: string[] } });
    expect(entity).toMatchObject({ schema: 'Person', properties: { name: ['Orla Fenwick-Day'] }, provenance: { connector: 'people-live', origin: ['R-7'] } });
    expect(run.stderr).toMatch(/^people-live: ok, 1 result\(s\)/m);
    expect(run.stderr).toMatch(/^sanctions-down: failed \(connector sanctions-down: /m);
    const store = await createDb({ dataDir: data });
    try {
      const events = await store.db.selectFrom('audit_events').select(['object_ids', 'outcome', 'purpose', 'justification', 'sealed_terms']).where('action', '=', 'connector.search').execute();
      expect(events.map((e) => [e.object_ids[0], e.outcome, e.purpose]).sort()).toEqual([
        ['people-live', 'success', 'administration'],
        ['sanctions-down', 'failed', 'administration'],
      ]);
      for (const event of events) expect(event.sealed_terms).not.toContain('orla');
    } finally {
      await store.close();
    }
  });

  it('exits 1 with one line when no connector answered, and 1 when no purpose is stated', async () => {
    const down = await runCli(['connectors', 'search', 'Orla', '--connector', 'sanctions-down', '--data', data, '--config', config, '--purpose', 'administration', '--justification', 'checking the tip-off']);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/casegraph: no connector answered\n$/);
    const unknown = await runCli(['connectors', 'search', 'Orla', '--data', data, '--config', config, '--purpose', 'sightseeing', '--justification', 'just looking']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/unknown purpose "sightseeing"/);
  });

  it('a config naming an unregistered source or an unknown setting is refused with the reason', async () => {
    const bad = join(root, 'bad.config.json');
    writeFileSync(bad, JSON.stringify({ connectors: [{ kind: 'yente', id: 'elsewhere', source: 'not-registered', url: 'http://127.0.0.1:1' }] }));
    const unregistered = await runCli(['connectors', 'list', '--data', data, '--config', bad]);
    expect(unregistered.code).toBe(1);
    expect(unregistered.stderr).toMatch(/connector elsewhere: source not-registered is not registered/);
    writeFileSync(bad, JSON.stringify({ connectors: [{ kind: 'yente', id: 'elsewhere', source: 'sanctions', url: 'http://127.0.0.1:1', colour: 'red' }] }));
    const unknownSetting = await runCli(['connectors', 'list', '--data', data, '--config', bad]);
    expect(unknownSetting.code).toBe(1);
    expect(unknownSetting.stderr).toMatch(/connectors\[0\]: unknown setting "colour"/);
  });
});
