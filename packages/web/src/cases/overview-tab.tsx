import { useCallback, useState } from 'react';
import type { FormEvent } from 'react';
import { Link } from '../link';
import { casePath } from '../router';
import { hasRole, useSession } from '../session';
import { useResource } from '../use-resource';
import {
  addCaseMember,
  changeCaseStatus,
  decideOverlap,
  DISPOSITIONS,
  LINK_RELATIONS,
  linkCases,
  listCaseLinks,
  listCaseOverlaps,
  NEXT_STATUSES,
  removeCaseMember,
  TEAM_ROLES,
} from './cases-api';
import type { CaseDetail, CaseOverlap, CaseStatus } from './cases-api';
import { labelOf, shortDate, shortDateTime } from './format';

const moveLabels: Record<string, string> = { active: 'Make active', pending: 'Put on hold', closed: 'Close case', archived: 'Archive', open: 'Reopen' };

function useIsOwner(detail: CaseDetail): { owner: boolean; supervisor: boolean } {
  const session = useSession();
  const userId = session.status === 'signed-in' ? session.me.userId : '';
  const owner = detail.ownerId === userId || detail.members.some((m) => m.userId === userId && m.role === 'owner');
  return { owner, supervisor: hasRole(session, 'supervisor') };
}

/** The case at a glance: workflow, team, template fields, linked cases and overlaps with other cases. */
export function OverviewTab({ detail, reload }: { detail: CaseDetail; reload: () => void }) {
  return (
    <div className="case-overview">
      <StatusPanel detail={detail} reload={reload} />
      <TeamPanel detail={detail} reload={reload} />
      <DetailsPanel detail={detail} />
      <LinksPanel caseId={detail.id} />
      <OverlapsPanel detail={detail} />
    </div>
  );
}

function StatusPanel({ detail, reload }: { detail: CaseDetail; reload: () => void }) {
  const [closing, setClosing] = useState(false);
  const [disposition, setDisposition] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const moves = detail.allowedMoves ?? NEXT_STATUSES[detail.status as CaseStatus] ?? [];

  async function move(status: string, chosen?: string): Promise<void> {
    setBusy(true);
    setError(null);
    const result = await changeCaseStatus(detail.id, status, chosen);
    setBusy(false);
    if (!result.ok) return setError(result.error.message);
    setClosing(false);
    reload();
  }

  function close(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    if (!disposition) return setError('Choose how the case ended before closing it.');
    void move('closed', disposition);
  }

  return (
    <section className="panel" aria-labelledby="status-title">
      <h2 id="status-title">Status</h2>
      <p className="case-status-line">
        <span className="status-tag status-tag--large" data-status={detail.status}>
          {labelOf(detail.status)}
        </span>
        {detail.disposition ? <span>Disposition: {labelOf(detail.disposition)}</span> : null}
        {detail.closedAt ? <span>Closed {shortDate(detail.closedAt)}</span> : null}
      </p>
      {moves.length > 0 ? (
        <div className="button-row">
          {moves.map((status) =>
            status === 'closed' ? (
              <button key={status} type="button" className="button button--small" aria-expanded={closing} disabled={busy} onClick={() => setClosing((open) => !open)}>
                {moveLabels[status] ?? labelOf(status)}
              </button>
            ) : (
              <button key={status} type="button" className="button button--small" disabled={busy} onClick={() => void move(status)}>
                {detail.status === 'closed' && status === 'active' ? 'Reopen' : (moveLabels[status] ?? labelOf(status))}
              </button>
            ),
          )}
        </div>
      ) : (
        <p className="field__hint">An archived case stays readable and linkable; it cannot move on.</p>
      )}
      {closing ? (
        <form className="inline-form case-close" aria-label="Close the case" onSubmit={close}>
          <div className="field">
            <label htmlFor="close-disposition">Disposition</label>
            <select id="close-disposition" value={disposition} onChange={(e) => setDisposition(e.target.value)}>
              <option value="">Choose how the case ended…</option>
              {DISPOSITIONS.map((d) => (
                <option key={d.code} value={d.code}>
                  {d.label}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className="button button--primary button--small" disabled={busy}>
            Close case
          </button>
        </form>
      ) : null}
      {error ? (
        <p className="field__error" role="alert">
          {error}
        </p>
      ) : null}
    </section>
  );
}

function TeamPanel({ detail, reload }: { detail: CaseDetail; reload: () => void }) {
  const { owner, supervisor } = useIsOwner(detail);
  const mayManage = owner || supervisor;
  const [username, setUsername] = useState('');
  const [role, setRole] = useState<string>('investigator');
  const [error, setError] = useState<string | null>(null);

  async function add(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    if (!username.trim()) return setError('Give the username of the person to add.');
    const result = await addCaseMember(detail.id, username.trim(), role);
    if (!result.ok) return setError(result.error.message);
    setError(null);
    setUsername('');
    reload();
  }

  async function remove(userId: string): Promise<void> {
    const result = await removeCaseMember(detail.id, userId);
    if (!result.ok) return setError(result.error.message);
    setError(null);
    reload();
  }

  return (
    <section className="panel" aria-labelledby="team-title">
      <h2 id="team-title">Team</h2>
      <ul className="team-list" role="list">
        {detail.members.map((m) => (
          <li key={m.userId}>
            <span className="team-list__name">{m.displayName || m.username}</span>
            {m.displayName && m.displayName !== m.username ? <span className="field__hint">{m.username}</span> : null}
            <span className="tag">{labelOf(m.role)}</span>
            {mayManage && m.role !== 'owner' ? (
              <button type="button" className="button button--quiet button--small" aria-label={`Remove ${m.username} from the team`} onClick={() => void remove(m.userId)}>
                Remove
              </button>
            ) : null}
          </li>
        ))}
      </ul>
      {mayManage ? (
        <form className="inline-form" aria-label="Add a team member" onSubmit={(e) => void add(e)}>
          <div className="field">
            <label htmlFor="member-username">Username</label>
            <input id="member-username" type="text" autoComplete="off" value={username} onChange={(e) => setUsername(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="member-role">Role</label>
            <select id="member-role" value={role} onChange={(e) => setRole(e.target.value)}>
              {TEAM_ROLES.map((r) => (
                <option key={r} value={r}>
                  {labelOf(r)}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className="button button--small">
            Add member
          </button>
        </form>
      ) : null}
      {error ? (
        <p className="field__error" role="alert">
          {error}
        </p>
      ) : null}
    </section>
  );
}

function DetailsPanel({ detail }: { detail: CaseDetail }) {
  const fields = Object.entries(detail.fields);
  return (
    <section className="panel" aria-labelledby="details-title">
      <h2 id="details-title">Details</h2>
      <dl className="profile-summary">
        <div>
          <dt>Purpose</dt>
          <dd>{labelOf(detail.purpose)}</dd>
        </div>
        <div>
          <dt>Opened</dt>
          <dd>{shortDate(detail.createdAt)}</dd>
        </div>
        {detail.template ? (
          <div>
            <dt>Template</dt>
            <dd>{labelOf(detail.template)}</dd>
          </div>
        ) : null}
        {detail.markings.length > 0 ? (
          <div>
            <dt>Compartments</dt>
            <dd>{detail.markings.join(', ')}</dd>
          </div>
        ) : null}
        {fields.map(([key, value]) => (
          <div key={key}>
            <dt>{labelOf(key)}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      {detail.summary ? <p className="case-summary">{detail.summary}</p> : null}
    </section>
  );
}

function LinksPanel({ caseId }: { caseId: string }) {
  const load = useCallback((signal: AbortSignal) => listCaseLinks(caseId, signal), [caseId]);
  const [links, reload] = useResource(load);
  const [other, setOther] = useState('');
  const [relation, setRelation] = useState<string>('related');
  const [error, setError] = useState<string | null>(null);

  async function add(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    if (!other.trim()) return setError('Give the number of the case to link, like C-2026-0002.');
    const result = await linkCases(caseId, { linkedCaseId: other.trim(), relation });
    if (!result.ok) return setError(result.error.message);
    setError(null);
    setOther('');
    reload();
  }

  return (
    <section className="panel" aria-labelledby="links-title">
      <h2 id="links-title">Linked cases</h2>
      {links.status === 'error' ? (
        <p className="notice notice--error" role="alert">
          Linked cases could not be loaded. {links.error.message}
        </p>
      ) : links.data === undefined ? (
        <p role="status">Loading…</p>
      ) : links.data.links.length === 0 && links.data.hidden === 0 ? (
        <p>No linked case.</p>
      ) : (
        <ul className="plain-list" role="list">
          {links.data.links.map((l) => (
            <li key={l.caseId}>
              <span className="tag">{labelOf(l.relation)}</span> <Link href={casePath(l.caseId)}>{l.title || l.caseId}</Link> <code>{l.caseId}</code>{' '}
              {l.status ? <span className="field__hint">{labelOf(l.status)}</span> : null}
            </li>
          ))}
          {links.data.hidden > 0 ? <li className="field__hint">{links.data.hidden} linked case(s) you may not see.</li> : null}
        </ul>
      )}
      <form className="inline-form" aria-label="Link another case" onSubmit={(e) => void add(e)}>
        <div className="field">
          <label htmlFor="link-case">Case number</label>
          <input id="link-case" type="text" autoComplete="off" placeholder="C-2026-0042" value={other} onChange={(e) => setOther(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="link-relation">Relation</label>
          <select id="link-relation" value={relation} onChange={(e) => setRelation(e.target.value)}>
            {LINK_RELATIONS.map((r) => (
              <option key={r} value={r}>
                {labelOf(r)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="button button--small">
          Link case
        </button>
      </form>
      {error ? (
        <p className="field__error" role="alert">
          {error}
        </p>
      ) : null}
    </section>
  );
}

function OverlapsPanel({ detail }: { detail: CaseDetail }) {
  const load = useCallback((signal: AbortSignal) => listCaseOverlaps(detail.id, signal), [detail.id]);
  const [overlaps, reload] = useResource(load);
  const { owner, supervisor } = useIsOwner(detail);
  return (
    <section className="panel" aria-labelledby="overlaps-title">
      <h2 id="overlaps-title">Overlaps with other cases</h2>
      {overlaps.status === 'error' ? (
        <p className="notice notice--error" role="alert">
          Overlaps could not be loaded. {overlaps.error.message}
        </p>
      ) : overlaps.data === undefined ? (
        <p role="status">Loading…</p>
      ) : overlaps.data.length === 0 ? (
        <p>No other case shares a subject with this one.</p>
      ) : (
        <ul className="plain-list overlap-list" role="list">
          {overlaps.data.map((o) => (
            <OverlapNotice key={o.id} overlap={o} mayDecide={owner || supervisor} onDecided={reload} />
          ))}
        </ul>
      )}
    </section>
  );
}

function overlapText(overlap: CaseOverlap): string {
  const other = overlap.other;
  if (!other.masked) return '';
  if (other.compartmented) return `A case in another compartment also has this subject — contact ${other.contact}.`;
  return `Another case${other.organisation ? ` in ${other.organisation}` : ''} also has this subject — contact ${other.contact}.`;
}

function OverlapNotice({ overlap, mayDecide, onDecided }: { overlap: CaseOverlap; mayDecide: boolean; onDecided: () => void }) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const other = overlap.other;

  async function decide(share: boolean): Promise<void> {
    if (reason.trim().length < 3) return setError('Say why you share or decline.');
    const result = await decideOverlap(overlap.id, share, reason.trim());
    if (!result.ok) return setError(result.error.message);
    setError(null);
    onDecided();
  }

  return (
    <li className="overlap" data-masked={other.masked ? 'true' : 'false'}>
      <p>
        <strong>{overlap.subjectCaption || overlap.subjectId}</strong> <span className="field__hint">found {shortDateTime(overlap.detectedAt)}</span>
      </p>
      {other.masked ? (
        <p>{overlapText(overlap)}</p>
      ) : (
        <div>
          <p>
            Shared with you: <Link href={casePath(other.caseId)}>{other.title}</Link> <code>{other.caseId}</code> ({labelOf(other.status)})
          </p>
          {other.subjects.length > 0 ? <p className="field__hint">Subjects: {other.subjects.map((s) => `${s.caption} (${s.category})`).join(', ')}</p> : null}
          {other.team.length > 0 ? <p className="field__hint">Team: {other.team.join(', ')}</p> : null}
        </div>
      )}
      {overlap.ourDecision ? (
        <p className="field__hint">Your side: {labelOf(overlap.ourDecision)}.</p>
      ) : mayDecide ? (
        <div className="inline-form">
          <div className="field">
            <label htmlFor={`overlap-reason-${overlap.id}`}>Reason</label>
            <input id={`overlap-reason-${overlap.id}`} type="text" autoComplete="off" value={reason} onChange={(e) => setReason(e.target.value)} />
          </div>
          <button type="button" className="button button--small button--primary" onClick={() => void decide(true)}>
            Share
          </button>
          <button type="button" className="button button--small" onClick={() => void decide(false)}>
            Decline
          </button>
        </div>
      ) : null}
      {error ? (
        <p className="field__error" role="alert">
          {error}
        </p>
      ) : null}
    </li>
  );
}
