import { ContextNotice } from '../context-notice';
import { workingContextKey } from '../last-search';
import { Link } from '../link';
import { Page } from '../page';
import { entityPath } from '../router';
import { useWorkingContext } from '../working-context';
import { EntityTimeline } from './timeline-view';

const reason = 'A timeline reads dated records about people, so it is recorded with the case and purpose you state in the bar above.';

/** `/timeline?entity=ID`: one entity's dated records and the events it takes part in. */
export function TimelinePage() {
  const context = useWorkingContext();
  const entityId = new URLSearchParams(window.location.search).get('entity')?.trim() ?? '';
  if (entityId === '') {
    return (
      <Page title="Timeline" lead="Open a timeline from a record’s profile or a case subject.">
        <p className="notice notice--info">No record named: open the timeline from a record’s profile.</p>
      </Page>
    );
  }
  return (
    <Page wide title="Timeline" lead={<>Dated records and events of <code>{entityId}</code>, oldest first.</>}>
      <p className="back-link">
        <Link href={entityPath(entityId)}>← Back to the record</Link>
      </p>
      {context === null ? <ContextNotice reason={reason} /> : <EntityTimeline key={workingContextKey(context)} entityId={entityId} />}
    </Page>
  );
}
