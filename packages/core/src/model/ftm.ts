import { Model, defaultModel } from '@alephdata/followthemoney';
import type { Property, Schema } from '@alephdata/followthemoney';
import { Invalid } from '../errors.js';

/** The FollowTheMoney model, loaded from the published package's model JSON. */
export const model: Model = new Model(defaultModel);

/** Returns a schema by name, or throws an error that names it. */
export function getSchema(name: string): Schema {
  const schema = model.schemata[name];
  if (schema === undefined) throw new Invalid(`unknown schema "${name}"`);
  return schema;
}

/** True when `name` is a schema of the model. */
export function isSchema(name: string): boolean {
  return model.schemata[name] !== undefined;
}

/** Returns a property of a schema (own or inherited), or throws naming both. */
export function getProperty(schemaName: string, propertyName: string): Property {
  const schema = getSchema(schemaName);
  if (!schema.hasProperty(propertyName)) {
    throw new Invalid(`schema ${schemaName} has no property "${propertyName}"`);
  }
  return schema.getProperty(propertyName);
}

/** The property-type group search indexes a property under (names, addresses, ...). */
export function propertyGroup(typeName: string): string | null {
  return model.types[typeName]?.group ?? null;
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
