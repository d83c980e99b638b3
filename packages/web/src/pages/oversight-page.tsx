import { ContextNotice } from '../context-notice';
import { Capabilities, Page } from '../page';

/** Accountability reports for auditors, privacy officers and inspectors. */
export function OversightPage() {
  return (
    <Page
      title="Oversight"
      lead="For auditors, privacy officers and inspectors: who looked at what, when, for which case and under which purpose."
    >
      <ContextNotice reason="Oversight reports are themselves audited: choose the oversight purpose in the bar above and say what review the report is for." />
      <Capabilities
        title="Reports"
        items={[
          'Who looked up a subject, when, for which case and purpose; every disclosure of that subject.',
          'Activity per user.',
          'Anomalies to review: searches outside a case’s scope, volume spikes, bulk reads after hours.',
          'Proof that no audit event was changed, removed, reordered or inserted.',
        ]}
      />
    </Page>
  );
}
