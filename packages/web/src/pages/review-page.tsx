import { useCallback, useEffect, useEffectEvent, useRef, useState } from 'react';
import type { KeyboardEvent as ReactKeyboardEvent } from 'react';
import { getReviewPairs, judgePair, runResolution, undoJudgment } from '../api';
import type { ApiError, Judgment, ReviewPair, Verdict } from '../api';
import { ContextNotice } from '../context-notice';
import { captionOf } from '../entity-summary';
import { workingContextKey } from '../last-search';
import { Capabilities, Page } from '../page';
import { pairTitleId, PairView } from '../review-pair';
import { reviewShortcut, SHORTCUTS } from '../review-shortcuts';
import type { KeyPlace, ReviewAction } from '../review-shortcuts';
import { hasRole, useSession } from '../session';
import { useSourceNames } from '../use-source-names';
import { useWorkingContext } from '../working-context';
import { useLiveReviewQueue } from '../live';

const lead =
  'Decide whether records that look alike describe the same person or company. Each candidate pair shows how its names, dates, identifiers and addresses compare.';
const contextReason = 'Comparing records means reading them, so each decision is recorded against the case and purpose you state in the bar above.';

/** The queue of possible matches that need a person's decision, one pair at a time. */
export function ReviewPage() {
  const session = useSession();
  const context = useWorkingContext();
  const mayReview = hasRole(session, 'analyst') || hasRole(session, 'supervisor');
  const mayResolve = hasRole(session, 'supervisor') || hasRole(session, 'administrator');
  return (
    <Page wide title="Review" lead={lead}>
      {context === null ? <ContextNotice reason={contextReason} /> : null}
      {!mayReview ? (
        <p className="notice notice--info" role="status">
          Reviewing matches is for analysts and supervisors. Your roles: {session.status === 'signed-in' ? session.me.roles.join(', ') : 'none'}.
        </p>
      ) : null}
      {context === null ? (
        <Capabilities
          title="Reviewing a match"
          items={[
            'Mark a pair as the same, different, or unsure.',
            'Every decision records who made it, when, and why.',
            'Undoing a decision splits the records apart again; no record is ever rewritten.',
          ]}
        />
      ) : mayReview ? (
        // A new context is a new, separately audited reading of the queue: start afresh.
        <ReviewQueue key={workingContextKey(context)} mayResolve={mayResolve} />
      ) : mayResolve ? (
        <ResolutionPanel onDone={() => undefined} />
      ) : null}
    </Page>
  );
}

type QueueState = { status: 'loading' } | { status: 'error'; error: ApiError } | { status: 'ready'; pairs: ReviewPair[]; total: number };

/** What the last action did, for the live region; the count is for screen readers, who do not see it change. */
interface Outcome {
  text: string;
  count: number;
  kind: 'judged' | 'undone' | 'skipped';
}

/** A judgment the reviewer may still undo, with the pair and reason to restore. */
interface Undoable {
  judgment: Judgment;
  pair: ReviewPair;
  reason: string;
}

const reasonId = 'review-reason';
const verdictsId = 'review-verdicts';
const undoId = 'review-undo';
const toolbarId = 'review-toolbar';
const NON_TEXT_INPUTS = new Set(['button', 'checkbox', 'radio', 'submit', 'reset', 'range', 'color', 'file', 'image']);

function keyPlace(target: EventTarget | null): KeyPlace {
  if (!(target instanceof HTMLElement)) return 'elsewhere';
  if (target.id === reasonId) return 'reason';
  if (target.isContentEditable || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return 'text';
  if (target instanceof HTMLInputElement) return NON_TEXT_INPUTS.has(target.type) ? 'elsewhere' : 'text';
  return 'elsewhere';
}

function pairKey(pair: ReviewPair): string {
  return `${pair.a.id}\u0000${pair.b.id}`;
}

function pairsToReview(total: number): string {
  return total === 1 ? '1 pair to review' : `${total.toLocaleString('en')} pairs to review`;
}

function outcomeOf(judgment: Judgment, pair: ReviewPair): string {
  const both = `${captionOf(pair.a)} and ${captionOf(pair.b)}`;
  switch (judgment.verdict) {
    case 'positive':
      return judgment.clusterOfA !== undefined && judgment.clusterOfA === judgment.clusterOfB
        ? `Judged same: ${both} are now one cluster.`
        : `Judged same: ${both}, but they stay apart, because a “different” judgment keeps their clusters separate.`;
    case 'negative':
      return `Judged different: ${both} are kept apart.`;
    case 'unsure':
      return `Judged unsure: ${both} stay as the scores left them.`;
  }
}

function sentence(message: string): string {
  return message.charAt(0).toUpperCase() + message.slice(1);
}

// How far down the sticky header and context bar reach; what is above it is out of sight. On a phone they scroll away.
function stickyTop(): number {
  return Math.max(0, document.querySelector('.app-top')?.getBoundingClientRect().bottom ?? 0);
}

// On a touch screen, focusing the reason field opens the on-screen keyboard over the pair just shown.
function touchScreen(): boolean {
  return window.matchMedia('(pointer: coarse)').matches;
}

function ReviewQueue({ mayResolve }: { mayResolve: boolean }) {
  const names = useSourceNames();
  const [queue, setQueue] = useState<QueueState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [undoError, setUndoError] = useState<string | null>(null);
  const [undoable, setUndoable] = useState<Undoable[]>([]);
  const [busy, setBusy] = useState<ReviewAction | null>(null);
  // A second key press while a judgment is on its way must not judge the next pair unseen.
  const inFlight = useRef(false);
  const [settled, setSettled] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    setQueue((previous) => (previous.status === 'ready' ? previous : { status: 'loading' }));
    void getReviewPairs({ signal: controller.signal }).then((result) => {
      if (controller.signal.aborted) return;
      setQueue(result.ok ? { status: 'ready', pairs: result.data.pairs, total: result.data.total } : { status: 'error', error: result.error });
    });
    return () => controller.abort();
  }, [attempt]);

  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  useLiveReviewQueue(reload);
  const pair = queue.status === 'ready' ? queue.pairs[0] : undefined;
  const last = undoable.at(-1);

  // After a judgment or an undo: back to the top of the pair now shown, and (with a keyboard) to the reason field for it.
  useEffect(() => {
    if (settled === 0) return;
    // The toolbar above the pair says what just happened and holds Undo.
    const toolbar = document.getElementById(toolbarId);
    const title = document.getElementById(pairTitleId) ?? toolbar;
    if (toolbar !== null && title !== null && title.getBoundingClientRect().top < stickyTop()) toolbar.scrollIntoView({ block: 'start' });
    if (touchScreen()) return;
    // With the queue empty there is no reason field, and Undo is what is left to do.
    const next = document.getElementById(reasonId) ?? document.getElementById(undoId);
    next?.focus({ preventScroll: true });
  }, [settled]);

  async function judge(verdict: Verdict): Promise<void> {
    if (inFlight.current || queue.status !== 'ready' || pair === undefined) return;
    inFlight.current = true;
    setBusy(verdict);
    const result = await judgePair({ a: pair.a.id, b: pair.b.id, verdict, reason });
    inFlight.current = false;
    setBusy(null);
    if (!result.ok) {
      if (result.error.status === 404) {
        // One of the records went out of view (a source's rules changed): there is nothing left to judge.
        setQueue({ status: 'ready', pairs: queue.pairs.slice(1), total: Math.max(0, queue.total - 1) });
        setOutcome({ text: `Skipped ${captionOf(pair.a)} and ${captionOf(pair.b)}: ${result.error.message}.`, count: Math.max(0, queue.total - 1), kind: 'skipped' });
        setSettled((n) => n + 1);
        return;
      }
      setReasonError(sentence(result.error.message));
      document.getElementById(reasonId)?.focus();
      return;
    }
    const remaining = queue.pairs.slice(1);
    const total = Math.max(0, queue.total - 1);
    setQueue({ status: 'ready', pairs: remaining, total });
    setUndoable((list) => [...list, { judgment: result.data, pair, reason }]);
    setReason('');
    setReasonError(null);
    setUndoError(null);
    setOutcome({ text: outcomeOf(result.data, pair), count: total, kind: 'judged' });
    setSettled((n) => n + 1);
    if (remaining.length === 0 && total > 0) reload();
  }

  async function undo(): Promise<void> {
    if (inFlight.current || last === undefined || queue.status !== 'ready') return;
    inFlight.current = true;
    setBusy('undo');
    const result = await undoJudgment(last.judgment.id);
    inFlight.current = false;
    setBusy(null);
    if (!result.ok && result.error.kind === 'network') {
      setUndoError(result.error.message);
      return;
    }
    setUndoable((list) => list.slice(0, -1));
    if (!result.ok) {
      // Already undone, or its records went out of view: nothing to bring back.
      setUndoError(sentence(result.error.message));
      return;
    }
    const back = last.pair;
    const total = queue.total + 1;
    setQueue({ status: 'ready', pairs: [back, ...queue.pairs.filter((p) => pairKey(p) !== pairKey(back))], total });
    setReason(last.reason);
    setReasonError(null);
    setUndoError(null);
    setOutcome({ text: `Undone: the judgment of ${captionOf(back.a)} and ${captionOf(back.b)} is withdrawn, and the pair is back for review.`, count: total, kind: 'undone' });
    setSettled((n) => n + 1);
  }

  function act(action: ReviewAction): void {
    if (action === 'undo') void undo();
    else void judge(action);
  }

  const onKeyDown = useEffectEvent((event: KeyboardEvent) => {
    if (event.defaultPrevented || event.isComposing || event.repeat) return;
    const action = reviewShortcut(event, keyPlace(event.target));
    if (action === null) return;
    if (action === 'undo' ? last === undefined : pair === undefined) return;
    event.preventDefault();
    act(action);
  });

  useEffect(() => {
    const listener = (event: KeyboardEvent) => onKeyDown(event);
    window.addEventListener('keydown', listener);
    return () => window.removeEventListener('keydown', listener);
  }, []);

  // Enter (or Escape) in the reason field means "done typing": it moves to the verdicts, where the single letters work.
  function onReasonKeyDown(event: ReactKeyboardEvent<HTMLInputElement>): void {
    if (event.key !== 'Enter' && event.key !== 'Escape') return;
    event.preventDefault();
    document.getElementById(verdictsId)?.focus();
  }

  if (queue.status === 'loading') return <p role="status">Loading the review queue…</p>;
  if (queue.status === 'error') {
    return (
      <div className="notice notice--error" role="alert">
        <div>
          <p>{queue.error.message}</p>
          <button type="button" className="button button--small" onClick={reload}>
            Try again
          </button>
        </div>
      </div>
    );
  }

  return (
    <div className="review" aria-busy={busy !== null}>
      <div id={toolbarId} className="review__toolbar">
        <p className="review__count">{pairsToReview(queue.total)}</p>
        <p className="review__outcome" role="status" data-kind={outcome?.kind}>
          {outcome !== null ? (
            <>
              {outcome.text}
              <span className="visually-hidden"> {pairsToReview(outcome.count)}.</span>
            </>
          ) : null}
        </p>
        {undoError !== null ? (
          <p className="field__error review__undo-error" role="alert">
            {undoError}
          </p>
        ) : null}
        {last !== undefined ? (
          <button
            id={undoId}
            type="button"
            className="button button--small review__undo"
            aria-keyshortcuts={SHORTCUTS.undo.aria}
            title={`Undo the judgment of ${captionOf(last.pair.a)} and ${captionOf(last.pair.b)} (Z or Ctrl+Z)`}
            onClick={() => void undo()}
          >
            Undo <kbd aria-hidden="true">{SHORTCUTS.undo.key}</kbd>
          </button>
        ) : null}
        {mayResolve ? <ResolutionPanel onDone={reload} /> : null}
      </div>

      {pair !== undefined ? (
        <>
          <PairView key={pairKey(pair)} pair={pair} names={names} />
          <section className="pair-decision" aria-label="Your judgment">
            <div className="field pair-decision__reason">
              <label htmlFor={reasonId}>Reason</label>
              <input
                id={reasonId}
                type="text"
                autoComplete="off"
                value={reason}
                aria-invalid={reasonError !== null || undefined}
                aria-describedby={reasonError !== null ? `${reasonId}-error ${reasonId}-hint` : `${reasonId}-hint`}
                onChange={(event) => setReason(event.target.value)}
                onKeyDown={onReasonKeyDown}
              />
              {reasonError !== null ? (
                <p id={`${reasonId}-error`} className="field__error" role="alert">
                  {reasonError}
                </p>
              ) : null}
              <p id={`${reasonId}-hint`} className="field__hint">
                Required.{' '}
                <span className="review__keys">
                  <kbd>Enter</kbd> leaves the field, then <kbd>Y</kbd> <kbd>N</kbd> <kbd>U</kbd>; or <kbd>Alt</kbd>+letter while typing.
                </span>
              </p>
            </div>
            <div id={verdictsId} className="pair-decision__verdicts" role="group" aria-label="Verdict" tabIndex={-1}>
              <VerdictButton verdict="positive" label="Same" busy={busy} onJudge={act} />
              <VerdictButton verdict="negative" label="Different" busy={busy} onJudge={act} />
              <VerdictButton verdict="unsure" label="Unsure" busy={busy} onJudge={act} />
            </div>
          </section>
        </>
      ) : (
        <div className="panel review__empty">
          <h2>Nothing to review</h2>
          <p>
            {queue.total > 0
              ? 'The pairs left to review hold records you may not see under this case and purpose.'
              : 'Every candidate pair has a judgment in force, or resolution has not found any since the last import.'}
          </p>
        </div>
      )}
    </div>
  );
}

function VerdictButton({ verdict, label, busy, onJudge }: { verdict: Verdict; label: string; busy: ReviewAction | null; onJudge: (verdict: Verdict) => void }) {
  const shortcut = SHORTCUTS[verdict];
  return (
    <button
      type="button"
      className="button verdict"
      data-verdict={verdict}
      aria-keyshortcuts={shortcut.aria}
      // Not disabled while busy: a disabled button drops keyboard focus to the page.
      aria-disabled={busy !== null || undefined}
      onClick={() => onJudge(verdict)}
    >
      {busy === verdict ? `${label}…` : label} <kbd aria-hidden="true">{shortcut.key}</kbd>
    </button>
  );
}

type ResolutionState = { status: 'idle' } | { status: 'running' } | { status: 'done'; message: string } | { status: 'error'; message: string };

/** For supervisors: run resolution again (after an import, say) and reload the queue. */
function ResolutionPanel({ onDone }: { onDone: () => void }) {
  const [state, setState] = useState<ResolutionState>({ status: 'idle' });
  async function run(): Promise<void> {
    setState({ status: 'running' });
    const result = await runResolution();
    if (!result.ok) {
      setState({ status: 'error', message: sentence(result.error.message) });
      return;
    }
    const s = result.data;
    setState({
      status: 'done',
      message: `Resolution compared ${s.records.toLocaleString('en')} records: ${s.pairs.toLocaleString('en')} candidate pairs, ${s.linked.toLocaleString('en')} linked, ${s.merged.toLocaleString('en')} clusters of more than one record.`,
    });
    onDone();
  }
  return (
    <div className="review__resolve">
      <button type="button" className="button button--small" disabled={state.status === 'running'} onClick={() => void run()}>
        {state.status === 'running' ? 'Running resolution…' : 'Run resolution'}
      </button>
      <p className={state.status === 'error' ? 'field__error' : 'field__hint'} role="status">
        {state.status === 'done' || state.status === 'error' ? state.message : ''}
      </p>
    </div>
  );
}
