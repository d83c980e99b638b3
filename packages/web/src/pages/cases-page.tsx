import { ContextNotice } from '../context-notice';
import { Capabilities, Page } from '../page';

/** Where investigations live: subjects, tasks, notes, evidence and timeline of each case. */
export function CasesPage() {
  return (
    <Page
      title="Cases"
      lead="Open a case to work on its subjects, tasks, notes, evidence and timeline, from the first lead to the closed file."
    >
      <ContextNotice reason="Case files hold personal data, so opening one is recorded against the case and purpose you state in the bar above." />
      <Capabilities
        title="In a case"
        items={[
          'Subjects: the people and companies the case is about, each marked as suspect, victim, witness or associate.',
          'Tasks with assignees and due dates, and notes for the team.',
          'Evidence files, fingerprinted on arrival, with their chain of custody.',
          'A timeline of case events, and links to related cases.',
        ]}
      />
    </Page>
  );
}
