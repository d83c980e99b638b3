import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { ChangeEvent, FormEvent } from 'react';
import { Link } from '../link';
import { entityPath } from '../router';
import { ChartController, EXPAND_PAGE, MAX_PATH_HOPS } from './chart-controller';
import type { ChartSnapshot } from './chart-controller';
import { ChartFileError, parseGraphml, schemaColour } from './chart-graph';
import { BETWEENNESS_MAX_NODES } from './chart-measures';
import type { SizeMeasure } from './chart-measures';
import { downloadBlob } from './chart-png';
import { exportGraph, MAX_REQUEST_IDS, readChartData, saveChart } from './graph-api';
import type { ChartData } from './graph-api';

interface LinkChartProps {
  /** Called once with the chart, so the page can fill it (an entity, a case's subjects, a saved chart). */
  onReady: (chart: ChartController) => void;
  /** The working case charts are saved to, or null when none is stated. */
  caseId: string | null;
  /** The saved chart being edited, so a second save replaces it. */
  savedChart: { id: string; name: string } | null;
  onSaved: (chart: { id: string; name: string }) => void;
}

const EMPTY: ChartSnapshot = {
  order: 0,
  size: 0,
  types: [],
  schemata: [],
  hiddenTypes: new Set(),
  selected: null,
  layoutRunning: false,
  status: { kind: 'idle' },
  path: { kind: 'none' },
  sizeMeasure: 'none',
  communities: false,
};

const noSubscription = (): (() => void) => () => undefined;

function useChartSnapshot(chart: ChartController | null): ChartSnapshot {
  return useSyncExternalStore(chart ? chart.subscribe : noSubscription, chart ? chart.snapshot : () => EMPTY);
}

/** The link chart: the drawing with its legend, and the tools beside it. */
export function LinkChart({ onReady, caseId, savedChart, onSaved }: LinkChartProps) {
  const containerRef = useRef<HTMLDivElement>(null);
  const [chart, setChart] = useState<ChartController | null>(null);
  const snapshot = useChartSnapshot(chart);
  const readyRef = useRef(onReady);
  readyRef.current = onReady;

  useEffect(() => {
    const container = containerRef.current;
    if (!container) return undefined;
    const controller = new ChartController(container);
    setChart(controller);
    readyRef.current(controller);
    return () => controller.kill();
  }, []);

  return (
    <div className="link-chart">
      <div className="link-chart__main">
        <div className="link-chart__stage">
          <div
            ref={containerRef}
            className="link-chart__canvas"
            role="img"
            aria-label={`Link chart of ${snapshot.order} entities and ${snapshot.size} connections`}
            data-order={snapshot.order}
            data-size={snapshot.size}
          />
          {snapshot.order === 0 ? <p className="link-chart__empty">The chart is empty. Add an entity, open a saved chart or open a file.</p> : null}
          <Legend snapshot={snapshot} />
        </div>
        <p className={`link-chart__status link-chart__status--${snapshot.status.kind}`} role="status">
          {snapshot.status.kind === 'idle' ? `${snapshot.order.toLocaleString('en')} entities, ${snapshot.size.toLocaleString('en')} connections. Double-click an entity to expand it.` : snapshot.status.message}
        </p>
      </div>
      {chart ? (
        <div className="link-chart__tools">
          <SelectionPanel chart={chart} snapshot={snapshot} />
          <ViewPanel chart={chart} snapshot={snapshot} />
          <PathPanel chart={chart} snapshot={snapshot} />
          <FilePanel chart={chart} snapshot={snapshot} caseId={caseId} savedChart={savedChart} onSaved={onSaved} />
        </div>
      ) : null}
    </div>
  );
}

function Legend({ snapshot }: { snapshot: ChartSnapshot }) {
  if (snapshot.schemata.length === 0) return null;
  return (
    <div className="link-chart__legend" aria-label="Legend">
      {snapshot.communities ? <p className="link-chart__legend-note">Colours show communities.</p> : null}
      <ul role="list">
        {snapshot.schemata.slice(0, 10).map(({ schema, count }) => (
          <li key={schema}>
            <span className="link-chart__swatch" style={{ background: schemaColour(schema) }} aria-hidden="true" />
            {schema} <span className="link-chart__count">{count.toLocaleString('en')}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

function SelectionPanel({ chart, snapshot }: { chart: ChartController; snapshot: ChartSnapshot }) {
  const id = snapshot.selected;
  if (id === null || !chart.graph.hasNode(id)) {
    return (
      <section className="panel link-chart__panel" aria-labelledby="chart-selection-title">
        <h2 id="chart-selection-title">Selected entity</h2>
        <p className="field__hint">Click an entity to see it here; double-click to expand it.</p>
      </section>
    );
  }
  const node = chart.graph.getNodeAttributes(id);
  const connections = chart.connectionsOf(id);
  return (
    <section className="panel link-chart__panel" aria-labelledby="chart-selection-title">
      <h2 id="chart-selection-title">Selected entity</h2>
      <p className="link-chart__caption">
        {/* A shared value (a phone number, an address) is a node of the chart, not a record with a profile. */}
        {id.startsWith('value:') ? node.label : <Link href={entityPath(id)}>{node.label}</Link>}
      </p>
      <p className="hit__meta">
        <span className="tag">{node.schema}</span>
      </p>
      {connections.length > 0 ? (
        <ul className="link-chart__connections" role="list" aria-label="Connections by type">
          {connections.map((c) => (
            <li key={c.type}>
              {c.type}: {c.count}
              {c.hidden ? ' (hidden)' : ''}
            </li>
          ))}
        </ul>
      ) : (
        <p className="field__hint">No connections on the chart yet.</p>
      )}
      {node.notShown > 0 ? <p className="link-chart__more">{node.notShown.toLocaleString('en')} more not shown.</p> : null}
      <button type="button" className="button button--small" disabled={snapshot.status.kind === 'busy'} onClick={() => void chart.expand(id)}>
        {node.expanded ? (node.notShown > 0 ? `Show next ${EXPAND_PAGE}` : 'Expand again') : 'Expand'}
      </button>
    </section>
  );
}

function ViewPanel({ chart, snapshot }: { chart: ChartController; snapshot: ChartSnapshot }) {
  return (
    <section className="panel link-chart__panel" aria-labelledby="chart-view-title">
      <h2 id="chart-view-title">View</h2>
      <div className="link-chart__row">
        {snapshot.layoutRunning ? (
          <button type="button" className="button button--small" onClick={() => chart.stopLayout()}>
            Stop layout
          </button>
        ) : (
          <button type="button" className="button button--small" disabled={snapshot.order < 2} onClick={() => chart.startLayout()}>
            Run layout
          </button>
        )}
      </div>
      <div className="field">
        <label htmlFor="chart-size-by">Size by</label>
        <select id="chart-size-by" value={snapshot.sizeMeasure} onChange={(event) => chart.setSizeMeasure(event.target.value as SizeMeasure)}>
          <option value="none">Nothing (same size)</option>
          <option value="degree">Degree</option>
          <option value="betweenness" disabled={snapshot.order > BETWEENNESS_MAX_NODES}>
            Betweenness{snapshot.order > BETWEENNESS_MAX_NODES ? ` (up to ${BETWEENNESS_MAX_NODES.toLocaleString('en')} nodes)` : ''}
          </option>
          <option value="pagerank">PageRank</option>
        </select>
      </div>
      <label className="link-chart__check">
        <input type="checkbox" checked={snapshot.communities} disabled={snapshot.order === 0 || snapshot.status.kind === 'busy'} onChange={(event) => void chart.setCommunities(event.target.checked)} />
        Colour by community
      </label>
      {snapshot.types.length > 0 ? (
        <fieldset className="link-chart__types">
          <legend>Connection types</legend>
          {snapshot.types.map(({ type, count }) => (
            <label key={type} className="link-chart__check">
              <input type="checkbox" checked={!snapshot.hiddenTypes.has(type)} onChange={(event) => chart.setTypeVisible(type, event.target.checked)} />
              {type} <span className="link-chart__count">{count.toLocaleString('en')}</span>
            </label>
          ))}
        </fieldset>
      ) : null}
    </section>
  );
}

function PathPanel({ chart, snapshot }: { chart: ChartController; snapshot: ChartSnapshot }) {
  const [from, setFrom] = useState<string | null>(null);
  const [to, setTo] = useState<string | null>(null);
  const name = (id: string | null): string => (id !== null && chart.graph.hasNode(id) ? chart.graph.getNodeAttribute(id, 'label') : 'none chosen');
  const selected = snapshot.selected;
  return (
    <section className="panel link-chart__panel" aria-labelledby="chart-path-title">
      <h2 id="chart-path-title">Path finder</h2>
      <p className="field__hint">Select an entity on the chart, then use it as one end. Paths of up to {MAX_PATH_HOPS} hops are searched.</p>
      <dl className="link-chart__ends">
        <div>
          <dt>From</dt>
          <dd data-testid="path-from">{name(from)}</dd>
          <dd>
            <button type="button" className="button button--small" disabled={selected === null} onClick={() => setFrom(selected)}>
              Use selected as start
            </button>
          </dd>
        </div>
        <div>
          <dt>To</dt>
          <dd data-testid="path-to">{name(to)}</dd>
          <dd>
            <button type="button" className="button button--small" disabled={selected === null} onClick={() => setTo(selected)}>
              Use selected as end
            </button>
          </dd>
        </div>
      </dl>
      <div className="link-chart__row">
        <button type="button" className="button button--primary button--small" disabled={from === null || to === null || from === to || snapshot.status.kind === 'busy'} onClick={() => from !== null && to !== null && void chart.findPath(from, to)}>
          Find paths
        </button>
        {snapshot.path.kind !== 'none' ? (
          <button type="button" className="button button--small button--quiet" onClick={() => chart.clearPath()}>
            Clear
          </button>
        ) : null}
      </div>
      {snapshot.path.kind === 'not-found' ? (
        <p className="notice notice--info" role="note">
          No path within {MAX_PATH_HOPS} hops between {snapshot.path.from} and {snapshot.path.to} that you may see.
        </p>
      ) : null}
      {snapshot.path.kind === 'found' ? (
        <ol className="link-chart__paths" aria-label="Paths found">
          {snapshot.path.paths.map((path, index) => (
            <li key={index}>
              {path.nodes.map((node, i) => (
                <span key={`${node.id}-${i}`}>
                  {i > 0 ? <span className="link-chart__via"> —{path.edges[i - 1]?.label ?? ''}→ </span> : null}
                  {node.caption}
                </span>
              ))}
            </li>
          ))}
        </ol>
      ) : null}
    </section>
  );
}

interface FilePanelProps {
  chart: ChartController;
  snapshot: ChartSnapshot;
  caseId: string | null;
  savedChart: { id: string; name: string } | null;
  onSaved: (chart: { id: string; name: string }) => void;
}

function readChartFile(name: string, text: string): ChartData {
  if (/\.json$/i.test(name) || text.trimStart().startsWith('{')) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new ChartFileError('The file is not valid JSON.');
    }
    const data = readChartData(value);
    if (!data) throw new ChartFileError('The file is JSON but not a chart (it needs nodes with ids, and edges).');
    return data;
  }
  return parseGraphml(text);
}

function FilePanel({ chart, snapshot, caseId, savedChart, onSaved }: FilePanelProps) {
  const [name, setName] = useState(savedChart?.name ?? 'Link chart');
  const [exporting, setExporting] = useState(false);
  const [recipient, setRecipient] = useState('');
  const [reason, setReason] = useState('');
  const [exportError, setExportError] = useState<string | null>(null);
  useEffect(() => {
    if (savedChart) setName(savedChart.name);
  }, [savedChart]);

  async function save(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    if (caseId === null) return;
    const title = name.trim() || 'Link chart';
    chart.setStatus({ kind: 'busy', message: 'Saving the chart…' });
    const result = await saveChart(caseId, { chartId: savedChart?.id ?? null, name: title, chart: chart.chartData() });
    if (!result.ok) {
      chart.setStatus({ kind: 'error', message: `The chart could not be saved: ${result.error.message}` });
      return;
    }
    onSaved({ id: result.data.id, name: title });
    chart.setStatus({ kind: 'info', message: `Saved “${title}” to case ${caseId}.` });
  }

  async function exportPng(): Promise<void> {
    try {
      downloadBlob(await chart.png(), 'link-chart.png');
      chart.setStatus({ kind: 'info', message: 'The picture of the chart is downloading.' });
    } catch (error) {
      chart.setStatus({ kind: 'error', message: error instanceof Error ? error.message : 'The picture could not be made.' });
    }
  }

  async function exportGraphml(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    if (!recipient.trim() || !reason.trim()) {
      setExportError('Name who receives the file and why: the export is recorded as a disclosure.');
      return;
    }
    if (chart.graph.order > MAX_REQUEST_IDS) {
      setExportError(`An export names at most ${MAX_REQUEST_IDS.toLocaleString('en')} entities; this chart has ${chart.graph.order.toLocaleString('en')}. Export PNG instead, or export from a smaller chart.`);
      return;
    }
    setExportError(null);
    const hidden = snapshot.hiddenTypes;
    const types = hidden.size > 0 ? snapshot.types.map((t) => t.type).filter((t) => !hidden.has(t)) : undefined;
    chart.setStatus({ kind: 'busy', message: 'Exporting GraphML…' });
    const result = await exportGraph({ ids: chart.graph.nodes(), hops: 1, ...(types ? { types } : {}), format: 'graphml', recipient: recipient.trim(), reason: reason.trim() });
    if (!result.ok) {
      chart.setStatus({ kind: 'error', message: `The export was refused: ${result.error.message}` });
      return;
    }
    downloadBlob(result.data.blob, result.data.filename);
    setExporting(false);
    chart.setStatus({ kind: 'info', message: `GraphML for ${recipient.trim()} is downloading; the disclosure is recorded.` });
  }

  async function openFile(event: ChangeEvent<HTMLInputElement>): Promise<void> {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    try {
      chart.load(readChartFile(file.name, await file.text()));
    } catch (error) {
      chart.setStatus({ kind: 'error', message: `${file.name} could not be opened: ${error instanceof Error ? error.message : 'unreadable file'}` });
    }
  }

  return (
    <section className="panel link-chart__panel" aria-labelledby="chart-file-title">
      <h2 id="chart-file-title">Save and export</h2>
      <form className="link-chart__form" aria-label="Save chart to case" onSubmit={(event) => void save(event)}>
        <div className="field">
          <label htmlFor="chart-name">Chart name</label>
          <input id="chart-name" type="text" maxLength={200} value={name} onChange={(event) => setName(event.target.value)} />
        </div>
        <button type="submit" className="button button--small" disabled={caseId === null || snapshot.order === 0 || snapshot.status.kind === 'busy'}>
          {savedChart ? 'Save changes to case' : 'Save to case'}
        </button>
        {caseId === null ? <p className="field__hint">State a case in the working context to save charts to it.</p> : null}
      </form>
      <div className="link-chart__row">
        <button type="button" className="button button--small" disabled={snapshot.order === 0} onClick={() => void exportPng()}>
          Export PNG
        </button>
        <button type="button" className="button button--small" disabled={snapshot.order === 0} aria-expanded={exporting} onClick={() => setExporting((open) => !open)}>
          Export GraphML…
        </button>
        <label className="button button--small link-chart__file">
          Open file…
          <input type="file" className="visually-hidden" accept=".json,.graphml,.xml,application/json,application/xml" onChange={(event) => void openFile(event)} />
        </label>
      </div>
      {exporting ? (
        <form className="link-chart__form" aria-label="Export GraphML" noValidate onSubmit={(event) => void exportGraphml(event)}>
          <p className="field__hint">
            The file holds the chart’s entities and their direct connections as stored, as far as you may see them. It leaves casegraph, so it is recorded as a
            disclosure to the recipient you name.
          </p>
          <div className="field">
            <label htmlFor="export-recipient">Recipient</label>
            <input id="export-recipient" type="text" value={recipient} onChange={(event) => setRecipient(event.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="export-reason">Reason</label>
            <input id="export-reason" type="text" value={reason} onChange={(event) => setReason(event.target.value)} />
          </div>
          {exportError ? (
            <p className="field__error" role="alert">
              {exportError}
            </p>
          ) : null}
          <button type="submit" className="button button--primary button--small">
            Download GraphML
          </button>
        </form>
      ) : null}
    </section>
  );
}
