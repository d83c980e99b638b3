import { Model, defaultModel } from '@alephdata/followthemoney';
import type { Property, PropertyType, Schema } from '@alephdata/followthemoney';
import { Invalid } from '../errors.js';

/** The FollowTheMoney model, loaded from the published package's model JSON. */
export const model: Model = new Model(defaultModel);

/**
 * A schema by name, or undefined. Only the model's own schemata count: names such as
 * "constructor" or "__proto__" are keys of every plain object and must not find one.
 * @example findSchema('Person')?.label // 'Person'
 */
export function findSchema(name: string): Schema | undefined {
  return Object.hasOwn(model.schemata, name) ? model.schemata[name] : undefined;
}

/** A property type by name, or undefined (only the model's own types, as for schemata). */
export function findPropertyType(name: string): PropertyType | undefined {
  return Object.hasOwn(model.types, name) ? model.types[name] : undefined;
}

/** Returns a schema by name, or throws an error that names it. */
export function getSchema(name: string): Schema {
  const schema = findSchema(name);
  if (schema === undefined) throw new Invalid(`unknown schema "${name}"`);
  return schema;
}

/** True when `name` is a schema of the model. */
export function isSchema(name: string): boolean {
  return findSchema(name) !== undefined;
}

// The FtM library builds a schema's inherited property map afresh on every lookup; ingest looks
// up properties for every value, so the maps are built once per schema here.
const propertyMaps = new Map<string, ReadonlyMap<string, Property>>();

/** A schema's properties, own and inherited, by name (built once per schema). */
export function propertiesOf(schema: Schema): ReadonlyMap<string, Property> {
  let properties = propertyMaps.get(schema.name);
  if (properties === undefined) {
    properties = schema.getProperties();
    propertyMaps.set(schema.name, properties);
  }
  return properties;
}

/** A property of a schema (own or inherited), or undefined. */
export function findProperty(schema: Schema, propertyName: string): Property | undefined {
  return propertiesOf(schema).get(propertyName);
}

/** Returns a property of a schema (own or inherited), or throws naming both. */
export function getProperty(schemaName: string, propertyName: string): Property {
  const property = findProperty(getSchema(schemaName), propertyName);
  if (property === undefined) {
    throw new Invalid(`schema ${schemaName} has no property "${propertyName}"`);
  }
  return property;
}

/** The property-type group search indexes a property under (names, addresses, ...). */
export function propertyGroup(typeName: string): string | null {
  return findPropertyType(typeName)?.group ?? null;
}

/** The most specific schema both may be seen as, so an entity can combine statements. */
export function commonSchema(a: string, b: string): string | null {
  if (a === b) return a;
  const sa = getSchema(a);
  const sb = getSchema(b);
  if (sa.isA(sb)) return a;
  if (sb.isA(sa)) return b;
  return null;
}
