import { useCallback, useState } from 'react';
import type { FormEvent } from 'react';
import type { ApiResult } from '../api';
import { Link } from '../link';
import { entityPath } from '../router';
import { useResource } from '../use-resource';
import { caseTimeline, entityTimeline, TIMELINE_KINDS } from './cases-api';
import type { Timeline, TimelineFilter, TimelineItem } from './cases-api';
import { labelOf, plural } from './format';
import { FieldError, Loaded, SubmitButton, TextField } from './form-parts';

type Loader = (filter: TimelineFilter, signal: AbortSignal) => Promise<ApiResult<Timeline>>;

/** The timeline of a case: its own events and the dated records of its subjects. */
export function CaseTimeline({ caseId }: { caseId: string }) {
  const load = useCallback<Loader>((filter, signal) => caseTimeline(caseId, filter, signal), [caseId]);
  return <TimelineView title="Case timeline" load={load} />;
}

/** The timeline of one entity: its own dates and the payments, calls, trips and events it takes part in. */
export function EntityTimeline({ entityId }: { entityId: string }) {
  const load = useCallback<Loader>((filter, signal) => entityTimeline(entityId, filter, signal), [entityId]);
  return <TimelineView title="Timeline" load={load} />;
}

/** The day an item falls on (YYYY-MM-DD), or its text when it holds no full date (a year, a month). */
function dayOf(at: string): string {
  const match = /^\d{4}(-\d{2}(-\d{2})?)?/.exec(at);
  return match ? match[0] : at;
}

function groupByDay(items: TimelineItem[]): Array<[string, TimelineItem[]]> {
  const groups = new Map<string, TimelineItem[]>();
  const sorted = [...items].sort((a, b) => a.at.localeCompare(b.at));
  for (const item of sorted) {
    const day = dayOf(item.at);
    const list = groups.get(day);
    if (list) list.push(item);
    else groups.set(day, [item]);
  }
  return [...groups.entries()];
}

function timeOf(at: string): string | null {
  const match = /T(\d{2}:\d{2})/.exec(at);
  return match?.[1] ?? null;
}

function TimelineView({ title, load }: { title: string; load: Loader }) {
  const [types, setTypes] = useState<string[]>([]);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [filter, setFilter] = useState<TimelineFilter>({ types: [], from: '', to: '' });
  const [error, setError] = useState<string | null>(null);
  const run = useCallback((signal: AbortSignal) => load(filter, signal), [load, filter]);
  const [timeline] = useResource(run);

  function apply(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    if (from && to && from > to) return setError('The period must start before it ends.');
    setError(null);
    setFilter({ types, from, to });
  }

  function toggle(kind: string, on: boolean): void {
    setTypes((previous) => (on ? [...previous, kind] : previous.filter((k) => k !== kind)));
  }

  return (
    <section className="panel timeline" aria-labelledby="timeline-title">
      <h2 id="timeline-title">{title}</h2>
      <form className="timeline__filter" aria-label="Filter the timeline" onSubmit={apply}>
        <fieldset className="timeline__types">
          <legend>Show</legend>
          {TIMELINE_KINDS.map(({ kind, label }) => (
            <label key={kind} className="check">
              <input type="checkbox" checked={types.includes(kind)} onChange={(e) => toggle(kind, e.target.checked)} /> {label}
            </label>
          ))}
          <p className="field__hint">None ticked shows every kind.</p>
        </fieldset>
        <div className="timeline__period">
          <TextField id="timeline-from" label="From" type="date" value={from} onChange={setFrom} />
          <TextField id="timeline-to" label="To" type="date" value={to} onChange={setTo} />
          <SubmitButton className="button button--small">Apply</SubmitButton>
        </div>
      </form>
      <FieldError error={error} />
      <Loaded
        resource={timeline}
        failure="The timeline could not be loaded."
        loading="Loading the timeline…"
        isEmpty={(d) => d.items.length === 0}
        empty={<p>Nothing dated matches, of what you may see under this case and purpose.</p>}
      >
        {(data) => (
          <>
            <p className="field__hint" role="status">
              {plural(data.items.length, 'item')}
              {data.notShown > 0 ? `; ${data.notShown.toLocaleString('en')} more not shown — narrow the period or the kinds` : ''}.
              {data.truncated ? ' Some records take part in more dated records than one timeline reads: narrow the period to see them all.' : ''}
            </p>
            <ol className="timeline__days" role="list" aria-busy={timeline.status === 'loading'}>
              {groupByDay(data.items).map(([day, dayItems]) => (
                <li key={day} className="timeline__day">
                  <h3>
                    <time dateTime={day}>{day}</time>
                  </h3>
                  <ul className="timeline__items" role="list">
                    {dayItems.map((item, i) => (
                      <TimelineEntry key={`${item.entityId ?? ''}-${item.at}-${i}`} item={item} />
                    ))}
                  </ul>
                </li>
              ))}
            </ol>
          </>
        )}
      </Loaded>
    </section>
  );
}

function TimelineEntry({ item }: { item: TimelineItem }) {
  const time = timeOf(item.at);
  return (
    <li className="timeline__item" data-kind={item.kind}>
      <span className="tag">{item.kind === 'case-event' ? `Case · ${labelOf(item.caseEventKind ?? 'event')}` : labelOf(item.kind)}</span>
      {time ? <span className="field__hint">{time}</span> : null}
      <span className="timeline__title">{item.title}</span>
      {item.end && dayOf(item.end) !== dayOf(item.at) ? <span className="field__hint">until {dayOf(item.end)}</span> : null}
      {item.participants.length > 0 ? (
        <span className="timeline__participants">
          {item.participants.map((p, i) => (
            <span key={p.id}>
              {i > 0 ? ', ' : ''}
              <Link href={entityPath(p.id)}>{p.caption}</Link>
            </span>
          ))}
        </span>
      ) : null}
      {item.sourceId ? <span className="field__hint">{item.sourceId}</span> : null}
    </li>
  );
}
