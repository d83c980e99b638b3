import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorFailure, type Connector, type ConnectorQueryKind } from '../connectors/connector.js';
import { checkEntity } from '../entities/check-entity.js';

/** A record the external system behind a connector holds, planted by the test that runs the contract. */
export interface PlantedRecord {
  schema: string;
  name: string;
  /** A value for every other query kind the connector answers, as the external system stores it. */
  values: Partial<Record<Exclude<ConnectorQueryKind, 'name'>, string>>;
  /** The same values written another way, as an investigator might type them; each must still find the record. */
  variants: Partial<Record<ConnectorQueryKind, string>>;
}

/** What a connector's test hands the contract. */
export interface ContractFixture {
  connector: Connector;
  planted: PlantedRecord;
  /** A connector of the same kind whose external system is down or answers garbage. */
  broken: Connector;
  close(): Promise<void>;
}

const call = () => ({ signal: new AbortController().signal, now: () => new Date() });

/**
 * The behaviour every connector must show, run by each connector's own test file against a real
 * external system it starts (a database, an HTTP server).
 */
export function connectorContract(label: string, setup: () => Promise<ContractFixture>): void {
  describe(`connector contract: ${label}`, () => {
    let fixture: ContractFixture | undefined;
    beforeAll(async () => {
      fixture = await setup();
    });
    const ready = (): ContractFixture => {
      if (fixture === undefined) throw new Error('the connector fixture was not set up');
      return fixture;
    };
    afterAll(async () => {
      // When setup failed there is nothing to close, and its own error is the one to show.
      if (fixture === undefined) return;
      await fixture.connector.close();
      await fixture.broken.close();
      await fixture.close();
    });

    it('a search by name finds the planted record, as a checked FtM entity with its provenance', async () => {
      const { connector, planted } = ready();
      const before = new Date();
      const results = await connector.search({ kind: 'name', value: planted.name }, call());
      const found = results.find((e) => e.schema === planted.schema && (e.properties.name ?? []).includes(planted.name));
      expect(found, JSON.stringify(results)).toBeDefined();
      for (const entity of results) {
        expect(checkEntity(entity).problems).toEqual([]);
        expect(entity.provenance.source).toBe(connector.source);
        expect(entity.provenance.connector).toBe(connector.id);
        expect(entity.provenance.retrievedAt.getTime()).toBeGreaterThanOrEqual(before.getTime() - 1000);
        expect(entity.provenance.retrievedAt.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
        expect(entity.provenance.origin.length).toBeGreaterThan(0);
      }
    });

    it('every kind of value the connector answers finds the planted record, also when written another way', async () => {
      const { connector, planted } = ready();
      const asked: Array<[ConnectorQueryKind, string]> = [];
      for (const kind of connector.answers) {
        const value = kind === 'name' ? planted.name : planted.values[kind];
        if (value === undefined) throw new Error(`the fixture plants no ${kind} although the connector answers ${kind} queries`);
        asked.push([kind, value]);
        const variant = planted.variants[kind];
        if (variant !== undefined) asked.push([kind, variant]);
      }
      for (const [kind, value] of asked) {
        const results = await connector.search({ kind, value }, call());
        expect(results.some((e) => (e.properties.name ?? []).includes(planted.name)), `${kind} ${JSON.stringify(value)}`).toBe(true);
      }
    });

    it('fetching an id a search returned gives the same entity; an unknown id gives null', async () => {
      const { connector, planted } = ready();
      const [first] = (await connector.search({ kind: 'name', value: planted.name }, call())).filter((e) => e.schema === planted.schema);
      if (first === undefined) throw new Error('the planted record was not found');
      const fetched = await connector.fetch(first.id, call());
      expect(fetched).not.toBeNull();
      expect({ id: fetched?.id, schema: fetched?.schema, properties: fetched?.properties }).toEqual({ id: first.id, schema: first.schema, properties: first.properties });
      expect(await connector.fetch('0000000000000000000000000000000000000000', call())).toBeNull();
    });

    it('a value nobody holds finds nothing, and wildcards or SQL in a value are taken literally', async () => {
      const { connector, planted } = ready();
      for (const value of ['Zebedee Quuxworth-Nonexistent', '%', '_', '*', "'; drop table people; --", '../../etc/passwd', '\u0000\u202e']) {
        expect(await connector.search({ kind: 'name', value }, call()), value).toEqual([]);
      }
      const again = await connector.search({ kind: 'name', value: planted.name }, call());
      expect(again.length).toBeGreaterThan(0);
    });

    it('a limit caps the results', async () => {
      const { connector, planted } = ready();
      const results = await connector.search({ kind: 'name', value: planted.name, limit: 1 }, call());
      expect(results).toHaveLength(1);
    });

    it('an aborted call rejects instead of answering', async () => {
      const { connector, planted } = ready();
      const controller = new AbortController();
      controller.abort(new Error('timed out'));
      await expect(connector.search({ kind: 'name', value: planted.name }, { signal: controller.signal, now: () => new Date() })).rejects.toThrow();
    });

    it('an external system that is down or answers garbage is a ConnectorFailure naming the connector', async () => {
      const { broken, planted } = ready();
      const error = await broken.search({ kind: 'name', value: planted.name }, call()).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ConnectorFailure);
      expect((error as ConnectorFailure).connector).toBe(broken.id);
    });
  });
}
