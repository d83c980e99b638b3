import { ContextNotice } from '../context-notice';
import { Capabilities, Page } from '../page';

/** The link chart: how people, companies and things connect. */
export function GraphPage() {
  return (
    <Page
      title="Graph"
      lead="See how people, companies, addresses, vehicles, phones and accounts connect. Start from a case subject, expand along relationships, and find the paths between two entities."
    >
      <ContextNotice reason="The chart reads records about people, so it opens from the case and purpose you state in the bar above." />
      <Capabilities
        title="On the chart"
        items={[
          'Expand an entity by relationship: ownership, directorship, employment, family, payments, calls.',
          'Find the shortest paths between two entities.',
          'When a chart is capped, it says how many connections are not shown.',
          'Export the chart as GraphML or GEXF.',
        ]}
      />
    </Page>
  );
}
