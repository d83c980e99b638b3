import { useEffect, useRef } from 'react';
import { ContextForm } from './context-form';
import { ContextIcon, WarningIcon } from './icons';
import { setContextEditorOpen, setWorkingContext, useContextEditorOpen, useWorkingContext } from './working-context';
import type { WorkingContext } from './working-context';

/** The bar under the header that always shows which case and purpose the user works under. */
export function ContextBar() {
  const context = useWorkingContext();
  const editing = useContextEditorOpen();
  const actionRef = useRef<HTMLButtonElement>(null);
  const returnFocus = useRef(false);

  // After the form closes, put focus back on the bar so keyboard users do not land at the page top.
  useEffect(() => {
    if (!editing && returnFocus.current) {
      returnFocus.current = false;
      actionRef.current?.focus();
    }
  }, [editing, context]);

  function closeEditor(): void {
    returnFocus.current = true;
    setContextEditorOpen(false);
  }

  function clearContext(): void {
    returnFocus.current = true;
    setWorkingContext(null);
  }

  return (
    <section
      className="context-bar"
      aria-label="Working context"
      data-state={context ? 'set' : 'unset'}
      data-editing={editing ? '' : undefined}
    >
      <div className="context-bar__inner">
        <div className="context-bar__status" aria-live="polite">
          {context ? <ContextSummary context={context} /> : <MissingContext />}
        </div>
        {editing ? null : (
          <div className="context-bar__actions">
            <button
              ref={actionRef}
              type="button"
              className={context ? 'button' : 'button button--primary'}
              onClick={() => setContextEditorOpen(true)}
            >
              {context ? 'Change' : 'Set working context'}
            </button>
            {context ? (
              <button type="button" className="button button--quiet" onClick={clearContext}>
                Clear
              </button>
            ) : null}
          </div>
        )}
      </div>
      {editing ? (
        <div className="context-bar__editor">
          <ContextForm current={context} onDone={closeEditor} />
        </div>
      ) : null}
    </section>
  );
}

function MissingContext() {
  return (
    <p className="context-bar__missing">
      <WarningIcon />
      <span>
        <strong>No working context.</strong> Searches need a case and a purpose.
      </span>
    </p>
  );
}

function ContextSummary({ context }: { context: WorkingContext }) {
  return (
    <div className="context-summary">
      <ContextIcon />
      <dl>
        <div>
          <dt>Case</dt>
          {context.caseId ? (
            <dd className="context-summary__case">{context.caseId}</dd>
          ) : (
            <dd className="context-summary__none">None</dd>
          )}
        </div>
        <div>
          <dt>Purpose</dt>
          <dd>{context.purposeLabel}</dd>
        </div>
        <div className="context-summary__justification">
          <dt>Justification</dt>
          <dd title={context.justification}>{context.justification}</dd>
        </div>
      </dl>
    </div>
  );
}
