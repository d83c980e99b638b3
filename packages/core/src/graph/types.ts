/** A node of the link graph: one canonical entity, as the caller may see it. */
export interface GraphNode {
  /** The cluster's canonical id, or the smallest id of the records the caller may see when the canonical record is hidden. */
  id: string;
  schema: string;
  caption: string;
  /** The records (entity ids) of this node the caller may see. */
  ids: string[];
}

/** A link between two nodes: a relationship entity (an Ownership, a Payment...) or an entity-valued property. */
export interface GraphEdge {
  id: string;
  source: string;
  target: string;
  /** The relationship schema (Ownership, Payment...) or the property name (involved, addressEntity...). */
  type: string;
  label: string;
  directed: boolean;
  /** The relationship entity's own values the caller may see (dates, amounts, roles...), by property. */
  properties: Record<string, string[]>;
}

/** What a size cap left out, reported to the user as "N more not shown". */
export interface NotShown {
  /** Edges that exist for the caller but were not shown. */
  notShown: number;
  byType: Record<string, number>;
  /** True when a very busy node made the counts lower bounds: at least this many are not shown. */
  capped?: boolean;
}

/** A part of the graph: nodes, the edges between them, and what was left out. */
export interface Subgraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
  more: NotShown;
}
