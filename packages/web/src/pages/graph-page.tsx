import { lazy, Suspense, useCallback, useEffect, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { searchEntities } from '../api';
import type { SearchHit } from '../api';
import { ContextNotice } from '../context-notice';
import type { ChartController } from '../graph/chart-controller';
import { getChart, listCaseSubjects, listCharts } from '../graph/graph-api';
import type { ChartSummary } from '../graph/graph-api';
import { Page } from '../page';
import { useWorkingContext } from '../working-context';

// The renderer and graph algorithms are most of the app's code: load them only when the chart opens.
const LinkChart = lazy(() => import('../graph/link-chart').then((module) => ({ default: module.LinkChart })));

/** Where the chart starts, from the address: `?entity=ID` or `?case=ID`. */
function startFromAddress(): { entity: string | null; caseId: string | null } {
  const params = new URLSearchParams(window.location.search);
  return { entity: params.get('entity')?.trim() || null, caseId: params.get('case')?.trim() || null };
}

/** The link chart: how people, companies and things connect. */
export function GraphPage() {
  const context = useWorkingContext();
  const workingCase = context?.caseId ? context.caseId : null;
  const [start] = useState(startFromAddress);
  const [chart, setChart] = useState<ChartController | null>(null);
  const [savedChart, setSavedChart] = useState<{ id: string; name: string } | null>(null);
  const [charts, setCharts] = useState<ChartSummary[]>([]);
  const started = useRef(false);
  const chartCase = start.caseId ?? workingCase;

  const refreshCharts = useCallback(async (caseId: string): Promise<ChartSummary[]> => {
    const result = await listCharts(caseId);
    const list = result.ok ? result.data : [];
    setCharts(list);
    return list;
  }, []);

  const openChart = useCallback(
    async (target: ChartController, caseId: string, chartId: string): Promise<void> => {
      target.setStatus({ kind: 'busy', message: 'Opening the saved chart…' });
      const result = await getChart(caseId, chartId);
      if (!result.ok) {
        target.setStatus({ kind: 'error', message: `The chart could not be opened: ${result.error.message}` });
        return;
      }
      target.load(result.data.chart);
      setSavedChart({ id: result.data.id, name: result.data.name });
    },
    [],
  );

  // The first fill waits for both the chart and a working context: every read below is of personal data.
  useEffect(() => {
    if (!chart || !context || started.current) return;
    started.current = true;
    void (async () => {
      if (start.entity) {
        chart.addEntities([{ id: start.entity, schema: 'Thing', caption: start.entity }]);
        chart.select(start.entity);
        await chart.expand(start.entity);
        if (chartCase) await refreshCharts(chartCase);
        return;
      }
      if (!chartCase) return;
      const list = await refreshCharts(chartCase);
      const latest = list[0];
      if (latest) {
        await openChart(chart, chartCase, latest.id);
        return;
      }
      const subjects = await listCaseSubjects(chartCase);
      if (!subjects.ok) {
        chart.setStatus({ kind: 'error', message: `The case's subjects could not be read: ${subjects.error.message}` });
        return;
      }
      const added = chart.addEntities(subjects.data.map((s) => ({ id: s.entityId, schema: s.schema, caption: s.caption })));
      chart.setStatus({ kind: 'info', message: added > 0 ? `Added the case's ${added} subjects. Double-click one to expand it.` : 'The case has no subjects yet.' });
    })();
  }, [chart, context, start, chartCase, refreshCharts, openChart]);

  return (
    <Page
      wide
      title="Graph"
      lead="See how people, companies, addresses, vehicles, phones and accounts connect. Start from a case subject, expand along relationships, and find the paths between two entities."
    >
      <ContextNotice reason="The chart reads records about people, so it opens from the case and purpose you state in the bar above." />
      <div className="link-chart__start">
        <AddEntity chart={chart} enabled={context !== null} />
        {chartCase && charts.length > 0 && chart ? (
          <SavedCharts charts={charts} onOpen={(id) => void openChart(chart, chartCase, id)} />
        ) : null}
      </div>
      <Suspense fallback={<p className="link-chart__status">Loading the chart…</p>}>
        <LinkChart
          onReady={setChart}
          caseId={workingCase}
          savedChart={savedChart}
          onSaved={(saved) => {
            setSavedChart(saved);
            if (workingCase) void refreshCharts(workingCase);
          }}
        />
      </Suspense>
    </Page>
  );
}

function AddEntity({ chart, enabled }: { chart: ChartController | null; enabled: boolean }) {
  const [query, setQuery] = useState('');
  const [hits, setHits] = useState<SearchHit[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    const q = query.trim();
    if (!q) return;
    setError(null);
    const result = await searchEntities(q);
    if (!result.ok) {
      setHits(null);
      setError(result.error.message);
      return;
    }
    setHits(result.data.results.slice(0, 8));
  }

  function add(hit: SearchHit): void {
    if (!chart) return;
    chart.addEntities([{ id: hit.id, schema: hit.schema, caption: hit.caption }]);
    chart.select(hit.id);
    setHits(null);
    setQuery('');
  }

  return (
    <div className="link-chart__add">
      <form role="search" aria-label="Add an entity to the chart" className="search-form__row" onSubmit={(event) => void submit(event)}>
        <label htmlFor="chart-search" className="visually-hidden">
          Find an entity to add
        </label>
        <input id="chart-search" type="search" autoComplete="off" placeholder="Find an entity to add" value={query} disabled={!enabled} onChange={(event) => setQuery(event.target.value)} />
        <button type="submit" className="button" disabled={!enabled}>
          Find
        </button>
      </form>
      {error ? (
        <p className="field__error" role="alert">
          {error}
        </p>
      ) : null}
      {hits !== null ? (
        hits.length === 0 ? (
          <p className="field__hint">Nothing found that you may see under this case and purpose.</p>
        ) : (
          <ul className="link-chart__hits" role="list" aria-label="Entities found">
            {hits.map((hit) => (
              <li key={hit.id}>
                <button type="button" className="button button--small button--quiet" onClick={() => add(hit)}>
                  Add {hit.caption}
                </button>
                <span className="tag">{hit.schema}</span>
              </li>
            ))}
          </ul>
        )
      ) : null}
    </div>
  );
}

function SavedCharts({ charts, onOpen }: { charts: ChartSummary[]; onOpen: (id: string) => void }) {
  const [choice, setChoice] = useState(charts[0]?.id ?? '');
  const selected = charts.some((c) => c.id === choice) ? choice : (charts[0]?.id ?? '');
  return (
    <div className="link-chart__saved">
      <label htmlFor="chart-saved">Saved charts of the case</label>
      <div className="search-form__row">
        <select id="chart-saved" value={selected} onChange={(event) => setChoice(event.target.value)}>
          {charts.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
        <button type="button" className="button" disabled={!selected} onClick={() => onOpen(selected)}>
          Open
        </button>
      </div>
    </div>
  );
}
