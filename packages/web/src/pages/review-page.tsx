import { ContextNotice } from '../context-notice';
import { Capabilities, Page } from '../page';

/** The queue of possible matches that need a person's decision. */
export function ReviewPage() {
  return (
    <Page
      title="Review"
      lead="Decide whether records that look alike describe the same person or company. Each candidate pair shows how its names, dates, identifiers and addresses compare."
    >
      <ContextNotice reason="Comparing records means reading them, so each decision is recorded against the case and purpose you state in the bar above." />
      <Capabilities
        title="Reviewing a match"
        items={[
          'Mark a pair as the same, different, or unsure.',
          'Every decision records who made it, when, and why.',
          'Undoing a decision splits the records apart again; no record is ever rewritten.',
        ]}
      />
    </Page>
  );
}
