import { MultiGraph } from 'graphology';
import { write as writeGexf } from 'graphology-gexf';
import type { Ctx } from '../context/context.js';
import { runWithPurpose } from '../context/purpose.js';
import { Invalid } from '../errors.js';
import { auditedSubjects } from './limits.js';
import { checkNeighbourhood, loadNeighbourhood, type NeighbourhoodInput } from './neighbourhood.js';
import type { Subgraph } from './types.js';

/** The file formats a graph exports to. */
export type GraphFormat = 'graphml' | 'gexf';

/** What to export, in which format, to whom and why (an export is a disclosure). */
export interface ExportInput extends NeighbourhoodInput {
  format: GraphFormat;
  recipient: string;
  reason: string;
}

/** An exported graph file. */
export interface GraphFile {
  format: GraphFormat;
  contentType: string;
  fileName: string;
  text: string;
  nodes: number;
  edges: number;
}

const CONTENT_TYPES: Record<GraphFormat, string> = { graphml: 'application/graphml+xml', gexf: 'application/gexf+xml' };

/**
 * Exports the neighbourhood of some entities, as the caller may see it, as GraphML or GEXF (node
 * attributes schema and caption; edge attributes type, label and the relationship's own values).
 * Recorded as a disclosure naming the recipient and the reason.
 * @example const file = await exportGraph(ctx, { ids: ['p-1'], hops: 2, format: 'gexf', recipient: 'Prosecutor’s office, case desk', reason: 'disclosure bundle for the hearing' })
 */
export async function exportGraph(ctx: Ctx, input: ExportInput): Promise<GraphFile> {
  const checked = checkNeighbourhood(input);
  if (input.format !== 'graphml' && input.format !== 'gexf') throw new Invalid(`format must be graphml or gexf, not "${String(input.format)}"`);
  const recipient = typeof input.recipient === 'string' ? input.recipient.trim() : '';
  const reason = typeof input.reason === 'string' ? input.reason.trim() : '';
  if (recipient.length < 2 || recipient.length > 300) throw new Invalid('an export is a disclosure: name its recipient (2 to 300 characters)');
  if (reason.length < 3 || reason.length > 2000) throw new Invalid('an export is a disclosure: say why it is made (3 to 2000 characters)');
  const format = input.format;
  return runWithPurpose(ctx, { action: 'graph.export', category: 'disclosure', subjectIds: checked.ids }, async (tx) => {
    const subgraph = await loadNeighbourhood(tx, checked);
    const text = format === 'gexf' ? subgraphToGexf(subgraph) : subgraphToGraphml(subgraph);
    const stamp = tx.now().toISOString().slice(0, 10);
    const file: GraphFile = { format, contentType: CONTENT_TYPES[format], fileName: `casegraph-${stamp}.${format}`, text, nodes: subgraph.nodes.length, edges: subgraph.edges.length };
    const audited = auditedSubjects(subgraph.nodes.map((node) => node.id));
    return {
      value: file,
      objectIds: checked.ids,
      subjectIds: audited.subjectIds,
      detail: { recipient, reason, format, hops: checked.hops, types: checked.types ?? null, nodes: file.nodes, edges: file.edges, subjectsLeftOut: audited.subjectsLeftOut },
    };
  });
}

function edgeAttributes(edge: Subgraph['edges'][number]): Record<string, string> {
  const attributes: Record<string, string> = { type: edge.type, label: edge.label };
  for (const [property, values] of Object.entries(edge.properties)) if (!(property in attributes)) attributes[property] = values.join('; ');
  return attributes;
}

/** A subgraph as GEXF 1.3, through graphology's GEXF writer. */
export function subgraphToGexf(subgraph: Subgraph): string {
  const graph = new MultiGraph<{ schema: string; caption: string }, Record<string, string>>({ type: 'mixed' });
  for (const node of subgraph.nodes) graph.mergeNode(node.id, { schema: node.schema, caption: node.caption });
  for (const edge of subgraph.edges) {
    if (edge.directed) graph.addDirectedEdgeWithKey(edge.id, edge.source, edge.target, edgeAttributes(edge));
    else graph.addUndirectedEdgeWithKey(edge.id, edge.source, edge.target, edgeAttributes(edge));
  }
  return writeGexf(graph, {
    version: '1.3',
    formatNode: (_key, attributes) => ({ label: attributes.caption, attributes: { schema: attributes.schema, caption: attributes.caption } }),
    formatEdge: (_key, attributes) => ({ label: attributes.label ?? '', attributes }),
  });
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Text for an XML attribute or element: escaped, without the control characters XML 1.0 does not allow. */
function xml(text: string): string {
  let out = '';
  for (const c of text) {
    const code = c.charCodeAt(0);
    if (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) continue;
    out += XML_ESCAPES[c] ?? c;
  }
  return out;
}

/** A subgraph as GraphML (graphology's GraphML package only reads, so the file is written here). */
export function subgraphToGraphml(subgraph: Subgraph): string {
  const edgeKeys = new Set<string>(['type', 'label']);
  for (const edge of subgraph.edges) for (const property of Object.keys(edge.properties)) edgeKeys.add(property);
  const keyId = new Map([...edgeKeys].map((name, i) => [name, `e${i}`]));
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">',
    '  <key id="n0" for="node" attr.name="schema" attr.type="string"/>',
    '  <key id="n1" for="node" attr.name="caption" attr.type="string"/>',
    ...[...keyId].map(([name, id]) => `  <key id="${id}" for="edge" attr.name="${xml(name)}" attr.type="string"/>`),
    '  <graph id="casegraph" edgedefault="directed">',
  ];
  for (const node of subgraph.nodes) {
    lines.push(`    <node id="${xml(node.id)}"><data key="n0">${xml(node.schema)}</data><data key="n1">${xml(node.caption)}</data></node>`);
  }
  for (const edge of subgraph.edges) {
    const data = Object.entries(edgeAttributes(edge)).map(([name, value]) => `<data key="${keyId.get(name) ?? ''}">${xml(value)}</data>`);
    lines.push(`    <edge id="${xml(edge.id)}" source="${xml(edge.source)}" target="${xml(edge.target)}"${edge.directed ? '' : ' directed="false"'}>${data.join('')}</edge>`);
  }
  lines.push('  </graph>', '</graphml>', '');
  return lines.join('\n');
}
