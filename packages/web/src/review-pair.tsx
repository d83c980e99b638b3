import type { EntityProfile, PairContribution, ReviewPair } from './api';
import { captionOf, orderedProperties } from './entity-summary';
import { contributionsByStrength, describeProbability, differingValues, formatProbability, formatWeight } from './pair-comparison';
import { propertyLabel } from './search-query';

/** The id of the pair's heading, where the page scrolls back to when the next pair shows. */
export const pairTitleId = 'review-pair-title';

/** One candidate pair side by side: how it scored and why, then both records with the values that differ marked. */
export function PairView({ pair, names }: { pair: ReviewPair; names: ReadonlyMap<string, string> }) {
  const captionA = captionOf(pair.a);
  const captionB = captionOf(pair.b);
  return (
    <section className="pair" aria-labelledby={pairTitleId}>
      <header className="pair__header">
        <h2 id={pairTitleId} className="pair__title">
          {captionA} <span className="pair__and">and</span> {captionB}
        </h2>
        <PairScore pair={pair} />
      </header>
      <Contributions contributions={pair.contributions} />
      <div className="pair__records">
        <RecordColumn label="Record 1" entity={pair.a} other={pair.b} names={names} />
        <RecordColumn label="Record 2" entity={pair.b} other={pair.a} names={names} />
      </div>
    </section>
  );
}

function PairScore({ pair }: { pair: ReviewPair }) {
  return (
    <div className="pair-score">
      <p className="pair-score__figure">
        <strong className="pair-score__percent">{formatProbability(pair.probability)}</strong> <span className="pair-score__label">match probability</span>
      </p>
      <div className="pair-score__bar" aria-hidden="true">
        <span style={{ width: `${Math.max(1, Math.min(100, pair.probability * 100))}%` }} />
      </div>
      <p className="pair-score__lean">
        {sentenceCase(describeProbability(pair.probability))}: total weight <span className="pair-score__weight">{formatWeight(pair.weight)}</span>
      </p>
    </div>
  );
}

function sentenceCase(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

// A comparison neither record can answer adds nothing; listing each one as a row of zeros buries those that count.
function isUnknown(contribution: PairContribution): boolean {
  return contribution.level === 'missing' && contribution.weight === 0;
}

function Contributions({ contributions }: { contributions: readonly PairContribution[] }) {
  const rows = contributionsByStrength(contributions.filter((c) => !isUnknown(c)));
  const unknown = contributions.filter(isUnknown).map((c) => c.comparison);
  const strongest = Math.max(...rows.map((c) => Math.abs(c.weight)), 1);
  return (
    <section className="pair-why" aria-labelledby="pair-why-title">
      <h3 id="pair-why-title" className="pair__subtitle">
        Why it scored so
      </h3>
      <p className="field__hint">Each comparison adds evidence in bits, for a match (+) or against (−); they sum to the total weight. Strongest first.</p>
      <table className="report-table contributions" role="table">
        <caption className="visually-hidden">The weight each comparison added, strongest first</caption>
        <thead role="rowgroup">
          <tr role="row">
            <th scope="col" role="columnheader">Comparison</th>
            <th scope="col" role="columnheader">Level</th>
            <th scope="col" role="columnheader" className="contributions__weight">Weight</th>
            <th scope="col" role="columnheader">Explanation</th>
          </tr>
        </thead>
        <tbody role="rowgroup">
          {rows.map((c) => (
            <tr key={c.comparison} role="row" data-direction={c.weight > 0 ? 'for' : c.weight < 0 ? 'against' : 'none'}>
              <th scope="row" role="rowheader" className="contributions__comparison">
                {c.comparison}
              </th>
              <td role="cell" data-label="Level">
                {c.level}
              </td>
              <td role="cell" data-label="Weight" className="contributions__weight">
                <span className="contributions__bar" aria-hidden="true">
                  <span style={{ width: `${(Math.abs(c.weight) / strongest) * 100}%` }} />
                </span>
                <span className="contributions__bits">{formatWeight(c.weight)}</span>
              </td>
              <td role="cell" data-label="Why" className="contributions__explanation">
                {c.explanation}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {unknown.length > 0 ? <p className="field__hint">Not known on both sides, so no weight: {unknown.join(', ')}.</p> : null}
    </section>
  );
}

function RecordColumn({ label, entity, other, names }: { label: string; entity: EntityProfile; other: EntityProfile; names: ReadonlyMap<string, string> }) {
  const caption = captionOf(entity);
  const titleId = `pair-record-${label.replace(/\W+/g, '-').toLowerCase()}`;
  const differing = differingValues(entity, other);
  const rows = orderedProperties(entity).flatMap(([property, values]) => values.map((value) => ({ property, value })));
  return (
    <section className="pair-record" aria-labelledby={titleId}>
      <h3 id={titleId} className="pair-record__title">
        <span className="pair-record__label">{label}</span> {caption}
      </h3>
      <p className="pair-record__meta">
        <span className="tag">{entity.schema}</span>
        <span>
          <span className="visually-hidden">Sources: </span>
          {entity.sources.map((source) => names.get(source) ?? source).join(', ')}
        </span>
        <code className="pair-record__id">{entity.id}</code>
      </p>
      {rows.length === 0 ? (
        <p>No value of this record is visible to you.</p>
      ) : (
        <table className="report-table pair-values" role="table">
          <caption className="visually-hidden">
            Values of {label}, {caption}; those the other record contradicts are marked as differing
          </caption>
          <thead role="rowgroup">
            <tr role="row">
              <th scope="col" role="columnheader">Property</th>
              <th scope="col" role="columnheader">Value</th>
              <th scope="col" role="columnheader">Source</th>
            </tr>
          </thead>
          <tbody role="rowgroup">
            {rows.map(({ property, value }) => {
              const differs = differing.has(value.statementId);
              return (
                <tr key={value.statementId} role="row" data-differs={differs || undefined}>
                  <th scope="row" role="rowheader" className="pair-values__property">
                    {propertyLabel(property)}
                  </th>
                  <td role="cell" className="pair-values__value">
                    {differs ? (
                      <mark className="pair-values__differs">
                        {value.value}
                        <span className="visually-hidden"> (differs from the other record)</span>
                      </mark>
                    ) : (
                      value.value
                    )}
                  </td>
                  <td role="cell" className="pair-values__source">
                    <span title={names.get(value.source)}>{value.source}</span>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
