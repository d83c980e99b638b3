import { checkValue } from '../ingest/values.js';
import { findProperty, findSchema } from '../model/ftm.js';

/** An entity as FtM writes it: id, schema and property values. */
export interface EntityInput {
  id: string;
  schema: string;
  properties: Record<string, string[]>;
}

/** One value ready to store, with its property type and normalised form. */
export interface CheckedValue {
  property: string;
  propType: string;
  value: string;
  normalized: string | null;
}

/** Why an entity cannot be stored, naming the entity, property and value. */
export interface EntityProblem {
  entityId: string;
  property: string | null;
  value: string | null;
  reason: string;
}

const ENTITY_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$/;

/** Human-readable form of a problem: "entity X, property Person:birthDate, value "…": reason". */
export function describeProblem(problem: EntityProblem): string {
  const parts = [`entity ${problem.entityId}`];
  if (problem.property !== null) parts.push(`property ${problem.property}`);
  if (problem.value !== null) parts.push(`value ${JSON.stringify(problem.value.slice(0, 200))}`);
  return `${parts.join(', ')}: ${problem.reason}`;
}

/**
 * Checks schema, properties and value types against the FtM model and returns the values to
 * store, or every problem found.
 */
export function checkEntity(entity: EntityInput): { values: CheckedValue[]; problems: EntityProblem[] } {
  const problems: EntityProblem[] = [];
  const values: CheckedValue[] = [];
  const fail = (property: string | null, value: string | null, reason: string) =>
    problems.push({ entityId: typeof entity.id === 'string' ? entity.id : (JSON.stringify(entity.id) ?? 'without an id'), property, value, reason });
  if (typeof entity.id !== 'string' || !ENTITY_ID.test(entity.id)) {
    fail(null, null, 'the id must be 1-200 letters, digits, dots, colons, dashes or underscores');
    return { values, problems };
  }
  const schema = typeof entity.schema === 'string' ? findSchema(entity.schema) : undefined;
  if (schema === undefined) {
    fail(null, null, `unknown schema "${String(entity.schema)}"`);
    return { values, problems };
  }
  if (schema.abstract) {
    fail(null, null, `schema ${schema.name} is abstract; use one of its concrete schemata`);
    return { values, problems };
  }
  if (typeof entity.properties !== 'object' || entity.properties === null || Array.isArray(entity.properties)) {
    fail(null, null, 'properties must be an object of property name to list of values');
    return { values, problems };
  }
  for (const [name, raw] of Object.entries(entity.properties)) {
    const qname = `${schema.name}:${name}`;
    const property = findProperty(schema, name);
    if (property === undefined) {
      fail(qname, null, `schema ${schema.name} has no property "${name}"`);
      continue;
    }
    if (!Array.isArray(raw)) {
      fail(qname, null, 'values must be a list of strings');
      continue;
    }
    for (const value of raw) {
      if (typeof value !== 'string') {
        fail(qname, JSON.stringify(value) ?? String(value), `expected text, got ${value === null ? 'null' : typeof value}`);
        continue;
      }
      const trimmed = value.trim();
      if (trimmed === '') continue;
      const checked = checkValue(property.type.name, trimmed);
      if (!checked.ok) {
        fail(qname, trimmed, checked.reason);
        continue;
      }
      values.push({ property: name, propType: property.type.name, value: trimmed, normalized: checked.normalized });
    }
  }
  return { values, problems };
}
