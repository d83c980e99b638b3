import { ContextIcon, WarningIcon } from './icons';
import { describeWorkingContext, setContextEditorOpen, useWorkingContext } from './working-context';

/** Opens the working-context form in the bar and brings it into view. */
export function openContextEditor(): void {
  setContextEditorOpen(true);
  window.scrollTo({ top: 0 });
}

/** Tells the user whether this page can be used under their working context, and why it needs one. */
export function ContextNotice({ reason }: { reason: string }) {
  const context = useWorkingContext();
  if (context) {
    return (
      <p className="notice notice--ok">
        <ContextIcon />
        <span>
          Working under <strong>{describeWorkingContext(context)}</strong>. What you open here is recorded with this
          context.
        </span>
      </p>
    );
  }
  return (
    <div className="notice notice--warning">
      <WarningIcon />
      <div>
        <p>
          <strong>This section needs a working context.</strong> {reason}
        </p>
        <button type="button" className="button button--primary button--small" onClick={openContextEditor}>
          Set working context
        </button>
      </div>
    </div>
  );
}
