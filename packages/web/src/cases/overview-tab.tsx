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
  changeMemberRole,
  removeCaseMember,
  TEAM_ROLES,
  unlinkCases,
} from './cases-api';
import type { CaseDetail, CaseOverlap, CaseStatus, OverlapContact, OverlapOther } from './cases-api';
import { labelOf, plural, shortDate, shortDateTime } from './format';

const moveLabels: Record<string, string> = { active: 'Make active', pending: 'Put on hold', closed: 'Close case', archived: 'Archive', open: 'Reopen' };

/** What the caller is to the case: an owner, a supervisor (of any organisation: the server checks which), and their team role. */
function useIsOwner(detail: CaseDetail): { owner: boolean; supervisor: boolean; role: string | null } {
  const session = useSession();
  const userId = session.status === 'signed-in' ? session.me.userId : '';
  const role = detail.members.find((m) => m.userId === userId)?.role ?? null;
  const owner = detail.ownerId === userId || role === 'owner';
  return { owner, supervisor: hasRole(session, 'supervisor'), role };
}

/**
 * The moves the workflow allows from the case's status that the caller may make: closing,
 * reopening and archiving are for its owner or a supervisor, the rest for a team member who is
 * not an observer (the server decides; these are the buttons worth offering).
 */
function movesFor(detail: CaseDetail, who: { owner: boolean; supervisor: boolean; role: string | null }): readonly CaseStatus[] {
  const runs = who.owner || who.supervisor;
  const works = runs || (who.role !== null && who.role !== 'observer');
  return (NEXT_STATUSES[detail.status as CaseStatus] ?? []).filter((to) => {
    const ownersOnly = to === 'closed' || to === 'archived' || (detail.status === 'closed' && to === 'active');
    return ownersOnly ? runs : works;
  });
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
  const who = useIsOwner(detail);
  const moves = movesFor(detail, who);
  const archived = detail.status === 'archived';

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
      ) : archived ? (
        <p className="field__hint">An archived case stays readable and linkable; it cannot move on.</p>
      ) : (
        <p className="field__hint">Moving this case along is for its team; closing, reopening and archiving are for its owner or a supervisor.</p>
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

  async function changeRole(userId: string, next: string): Promise<void> {
    const result = await changeMemberRole(detail.id, userId, next);
    if (!result.ok) return setError(result.error.message);
    setError(null);
    reload();
  }

  const owners = detail.members.filter((m) => m.role === 'owner').length;

  return (
    <section className="panel" aria-labelledby="team-title">
      <h2 id="team-title">Team</h2>
      <ul className="team-list" role="list">
        {detail.members.map((m) => (
          <li key={m.userId}>
            <span className="team-list__name">{m.displayName}</span>
            {m.displayName !== m.username ? <span className="field__hint">{m.username}</span> : null}
            {mayManage && !(m.role === 'owner' && owners === 1) ? (
              <>
                <label className="visually-hidden" htmlFor={`member-role-${m.userId}`}>
                  Role of {m.displayName}
                </label>
                <select id={`member-role-${m.userId}`} className="select--small" value={m.role} onChange={(e) => void changeRole(m.userId, e.target.value)}>
                  {(TEAM_ROLES as readonly string[]).includes(m.role) ? null : <option value={m.role}>{labelOf(m.role)}</option>}
                  {TEAM_ROLES.map((r) => (
                    <option key={r} value={r}>
                      {labelOf(r)}
                    </option>
                  ))}
                </select>
              </>
            ) : (
              <span className="tag">{labelOf(m.role)}</span>
            )}
            {mayManage && m.role !== 'owner' ? (
              <button type="button" className="button button--quiet button--small" aria-label={`Remove ${m.displayName} from the team`} onClick={() => void remove(m.userId)}>
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

  async function unlink(otherId: string): Promise<void> {
    const result = await unlinkCases(caseId, otherId);
    if (!result.ok) return setError(result.error.message);
    setError(null);
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
              <span className="tag">{l.direction === 'incoming' ? `Links here as its ${labelOf(l.relation).toLowerCase()}` : labelOf(l.relation)}</span>{' '}
              <Link href={casePath(l.caseId)}>{l.title || l.caseId}</Link> <code>{l.caseId}</code>{' '}
              {l.status ? <span className="field__hint">{labelOf(l.status)}</span> : null}
              {l.note ? <span className="field__hint"> · {l.note}</span> : null}{' '}
              <button type="button" className="button button--quiet button--small" aria-label={`Unlink ${l.caseId}`} onClick={() => void unlink(l.caseId)}>
                Unlink
              </button>
            </li>
          ))}
          {links.data.hidden > 0 ? <li className="field__hint">{plural(links.data.hidden, 'linked case')} you may not see.</li> : null}
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
            <OverlapNotice key={o.id} caseId={detail.id} overlap={o} mayDecide={owner || supervisor} onDecided={reload} />
          ))}
        </ul>
      )}
    </section>
  );
}

function contactText(contact: OverlapContact): string {
  return contact.displayName === contact.username ? contact.username : `${contact.displayName} (${contact.username})`;
}

/** What a masked overlap may say: only what the server gives of the other case. */
function maskedText(other: Extract<OverlapOther, { masked: true }>): string {
  if (other.compartmented) return `A case in another compartment also has this subject — contact ${contactText(other.contact)}.`;
  const request = other.request === 'declined' ? ' Its owner has declined to share its details.' : ' Its owner has not shared its details yet.';
  return `Another case${other.organisation ? ` in ${other.organisation}` : ''} also has this subject — contact ${contactText(other.contact)}.${request}`;
}

function OverlapNotice({ caseId, overlap, mayDecide, onDecided }: { caseId: string; overlap: CaseOverlap; mayDecide: boolean; onDecided: () => void }) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const other = overlap.other;
  const reasonId = `overlap-reason-${overlap.id}`;

  async function decide(share: boolean): Promise<void> {
    if (reason.trim().length < 3) {
      setError('Say in a few words why you share or decline.');
      document.getElementById(reasonId)?.focus();
      return;
    }
    setBusy(true);
    const result = await decideOverlap(overlap.id, { caseId, share, reason: reason.trim() });
    setBusy(false);
    if (!result.ok) return setError(result.error.message);
    setError(null);
    onDecided();
  }

  return (
    <li className="overlap" data-masked={other.masked ? 'true' : 'false'}>
      <p>
        <strong>{overlap.subjectCaption ?? 'A subject you may not see'}</strong> <span className="field__hint">found {shortDateTime(overlap.detectedAt)}</span>
      </p>
      {other.masked ? (
        <p>{maskedText(other)}</p>
      ) : (
        <div>
          <p>
            Shared with you: <Link href={casePath(other.caseId)}>{other.title || other.caseId}</Link> <code>{other.caseId}</code> ({labelOf(other.status)}
            {other.organisation ? `, ${other.organisation}` : ''}) — contact {contactText(other.contact)}.
          </p>
          {other.subjects.length > 0 ? <p className="field__hint">Subjects: {other.subjects.map((s) => `${s.caption} (${s.category})`).join(', ')}</p> : null}
          {other.hiddenSubjects > 0 ? <p className="field__hint">{plural(other.hiddenSubjects, 'more subject')} you may not see.</p> : null}
          {other.team.length > 0 ? <p className="field__hint">Team: {other.team.map((m) => `${m.displayName} (${labelOf(m.role)})`).join(', ')}</p> : null}
        </div>
      )}
      {overlap.ourDecision ? (
        <p className="field__hint">This case: {overlap.ourDecision === 'shared' ? 'details shared with the other case' : 'sharing declined'}.</p>
      ) : mayDecide ? (
        <div className="inline-form" role="group" aria-label={`Share this case with the other case of ${overlap.subjectCaption ?? 'this overlap'}`}>
          <div className="field">
            <label htmlFor={reasonId}>Reason</label>
            <input id={reasonId} type="text" autoComplete="off" maxLength={2000} value={reason} onChange={(e) => setReason(e.target.value)} />
          </div>
          <button type="button" className="button button--small button--primary" disabled={busy} onClick={() => void decide(true)}>
            Share
          </button>
          <button type="button" className="button button--small" disabled={busy} onClick={() => void decide(false)}>
            Decline
          </button>
        </div>
      ) : (
        <p className="field__hint">The case’s owner or a supervisor decides whether to share this case with the other one.</p>
      )}
      {error ? (
        <p className="field__error" role="alert">
          {error}
        </p>
      ) : null}
    </li>
  );
}
