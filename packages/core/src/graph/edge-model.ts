import { Invalid } from '../errors.js';
import { model, propertiesOf } from '../model/ftm.js';
import { VALUE_EDGE_TYPES, VALUE_GROUPS } from './value-nodes.js';

/** A relationship schema's edge: which properties hold its two ends. */
export interface EdgeSpec {
  schema: string;
  source: string;
  target: string;
  directed: boolean;
  label: string;
}

/** Every relationship schema of the model whose entities are edges (Ownership, Directorship, Payment...), read from the model's edge specs. */
export const EDGE_SPECS: ReadonlyMap<string, EdgeSpec> = new Map(
  Object.values(model.schemata)
    .filter((schema) => schema !== undefined && schema.edge !== undefined && !schema.abstract)
    .map((schema) => {
      const edge = schema?.edge;
      if (schema === undefined || edge === undefined) throw new Error('unreachable');
      return [schema.name, { schema: schema.name, source: edge.source, target: edge.target, directed: edge.directed, label: edge.label ?? schema.label }] as const;
    }),
);

/** The names of the relationship schemata. */
export const EDGE_SCHEMATA: readonly string[] = [...EDGE_SPECS.keys()].sort();

/** Labels of entity-valued properties, by property name (the first schema declaring it names it). */
const PROPERTY_LABELS: ReadonlyMap<string, string> = (() => {
  const labels = new Map<string, string>();
  for (const schema of Object.values(model.schemata)) {
    if (schema === undefined || EDGE_SPECS.has(schema.name)) continue;
    for (const property of propertiesOf(schema).values()) {
      if (property.type.name === 'entity' && !property.stub && !labels.has(property.name)) labels.set(property.name, property.label);
    }
  }
  return labels;
})();

// A record holding a value is linked to it by the value's group ("Phone"); a call by its schema.
const VALUE_LABELS: ReadonlyMap<string, string> = new Map([...Object.entries(VALUE_GROUPS), ['Call', 'Call']]);

/** The label an edge of this type shows. */
export function edgeLabel(type: string): string {
  return EDGE_SPECS.get(type)?.label ?? PROPERTY_LABELS.get(type) ?? VALUE_LABELS.get(type) ?? type;
}

/** Whether edges of this type have a direction (relationship schemata say; a property points from its holder). */
export function isDirected(type: string): boolean {
  return EDGE_SPECS.get(type)?.directed ?? true;
}

const MAX_TYPES = 50;

/** Checks an edge-type filter: each must be a relationship schema or an entity-valued property of the model. */
export function checkTypes(types: readonly string[] | undefined): string[] | undefined {
  if (types === undefined || types.length === 0) return undefined;
  if (types.length > MAX_TYPES) throw new Invalid(`at most ${MAX_TYPES} edge types may be given`);
  for (const type of types) {
    if (!EDGE_SPECS.has(type) && !PROPERTY_LABELS.has(type) && !VALUE_EDGE_TYPES.includes(type)) {
      throw new Invalid(`unknown edge type "${type}": give a relationship schema (such as Ownership, Payment), an entity-valued property (such as involved, addressEntity), or a shared value (phone, address, email, Call)`);
    }
  }
  return [...new Set(types)];
}
