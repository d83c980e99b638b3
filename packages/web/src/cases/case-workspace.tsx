import { workingContextKey } from '../last-search';
import { Link } from '../link';
import { useLiveCase } from '../live';
import { Page } from '../page';
import { casePath, caseTabs } from '../router';
import type { CaseTab } from '../router';
import { useWorkingContext } from '../working-context';
import { getCase } from './cases-api';
import type { CaseDetail } from './cases-api';
import { EvidenceTab } from './evidence-tab';
import { ExportTab } from './export-tab';
import { labelOf } from './format';
import { useRead } from './form-parts';
import { NotesTab } from './notes-tab';
import { OverviewTab } from './overview-tab';
import { SubjectsTab } from './subjects-tab';
import { TasksTab } from './tasks-tab';
import { CaseTimeline } from './timeline-view';
import { WorkingCaseOffer } from './working-case-offer';

const tabLabels: Record<CaseTab, string> = {
  overview: 'Overview',
  subjects: 'Subjects',
  tasks: 'Tasks',
  notes: 'Notes',
  evidence: 'Evidence',
  timeline: 'Timeline',
  export: 'Export',
};

/** One case: its overview, subjects, tasks, notes, evidence, timeline and case file, a tab each. */
export function CaseWorkspace({ id, tab }: { id: string; tab: CaseTab }) {
  const [detail, reload] = useRead(getCase, id);
  useLiveCase(id, reload);

  if (detail.data === undefined) {
    const missing = detail.status === 'error' && detail.error.status === 404;
    return (
      <Page title={missing ? 'Case not found' : `Case ${id}`} lead={<>The case <code>{id}</code>.</>}>
        <BackToCases />
        {detail.status === 'error' ? (
          <p className={missing ? 'notice notice--warning' : 'notice notice--error'} role="alert">
            {missing ? 'This case does not exist, or you are not on its team.' : detail.error.message}
          </p>
        ) : (
          <p role="status">Loading the case…</p>
        )}
      </Page>
    );
  }
  return <Workspace detail={detail.data} tab={tab} reload={reload} />;
}

function BackToCases() {
  return (
    <p className="back-link">
      <Link href="/cases">← All cases</Link>
    </p>
  );
}

function Workspace({ detail, tab, reload }: { detail: CaseDetail; tab: CaseTab; reload: () => void }) {
  const context = useWorkingContext();
  // A new working context is a new, separately audited reading: tabs load afresh under it.
  const contextKey = context ? workingContextKey(context) : 'none';
  return (
    <Page
      wide
      title={detail.title}
      lead={
        <>
          <code>{detail.id}</code> · <span className="status-tag" data-status={detail.status}>{labelOf(detail.status)}</span>
          {detail.disposition ? <> · {labelOf(detail.disposition)}</> : null} · {detail.organisation}
        </>
      }
    >
      <BackToCases />
      <WorkingCaseOffer caseId={detail.id} casePurpose={detail.purpose} />
      <nav className="case-tabs" aria-label="Case sections">
        <ul>
          {caseTabs.map((t) => (
            <li key={t}>
              <Link href={casePath(detail.id, t)} aria-current={t === tab ? 'page' : undefined}>
                {tabLabels[t]}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <div className="case-tab" key={`${tab}:${contextKey}`}>
        <TabContent detail={detail} tab={tab} reload={reload} />
      </div>
    </Page>
  );
}

function TabContent({ detail, tab, reload }: { detail: CaseDetail; tab: CaseTab; reload: () => void }) {
  switch (tab) {
    case 'overview':
      return <OverviewTab detail={detail} reload={reload} />;
    case 'subjects':
      return <SubjectsTab caseId={detail.id} />;
    case 'tasks':
      return <TasksTab detail={detail} />;
    case 'notes':
      return <NotesTab caseId={detail.id} />;
    case 'evidence':
      return <EvidenceTab caseId={detail.id} />;
    case 'timeline':
      return <CaseTimeline caseId={detail.id} />;
    case 'export':
      return <ExportTab caseId={detail.id} />;
  }
}
