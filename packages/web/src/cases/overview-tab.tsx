import { useState } from 'react';
import type { FormEvent } from 'react';
import { Link } from '../link';
import { casePath } from '../router';
import { hasRole, useSession } from '../session';
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
import { FieldError, Loaded, Panel, RowSelect, SelectField, SubmitButton, TextField, useAction, useRead } from './form-parts';

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
  const { error, setError, busy, run } = useAction();
  const who = useIsOwner(detail);
  const moves = movesFor(detail, who);
  const archived = detail.status === 'archived';

  async function move(status: string, chosen?: string): Promise<void> {
    setError(null);
    await run(
      () => changeCaseStatus(detail.id, status, chosen),
      () => {
        setClosing(false);
        reload();
      },
    );
  }

  function close(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    if (!disposition) return setError('Choose how the case ended before closing it.');
    void move('closed', disposition);
  }

  return (
    <Panel titleId="status-title" title="Status">
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
          <SelectField
            id="close-disposition"
            label="Disposition"
            blank="Choose how the case ended…"
            options={DISPOSITIONS.map((d) => ({ value: d.code, label: d.label }))}
            value={disposition}
            onChange={setDisposition}
          />
          <SubmitButton className="button button--primary button--small" busy={busy}>
            Close case
          </SubmitButton>
        </form>
      ) : null}
      <FieldError error={error} />
    </Panel>
  );
}

function TeamPanel({ detail, reload }: { detail: CaseDetail; reload: () => void }) {
  const { owner, supervisor } = useIsOwner(detail);
  const mayManage = owner || supervisor;
  const [username, setUsername] = useState('');
  const [role, setRole] = useState<string>('investigator');
  const { error, setError, run } = useAction();

  async function add(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    if (!username.trim()) return setError('Give the username of the person to add.');
    await run(
      () => addCaseMember(detail.id, username.trim(), role),
      () => {
        setUsername('');
        reload();
      },
    );
  }

  const owners = detail.members.filter((m) => m.role === 'owner').length;

  return (
    <Panel titleId="team-title" title="Team">
      <ul className="team-list" role="list">
        {detail.members.map((m) => (
          <li key={m.userId}>
            <span className="team-list__name">{m.displayName}</span>
            {m.displayName !== m.username ? <span className="field__hint">{m.username}</span> : null}
            {mayManage && !(m.role === 'owner' && owners === 1) ? (
              <>
                <RowSelect
                  id={`member-role-${m.userId}`}
                  label={`Role of ${m.displayName}`}
                  options={(TEAM_ROLES as readonly string[]).includes(m.role) ? TEAM_ROLES : [m.role, ...TEAM_ROLES]}
                  value={m.role}
                  onChange={(next) => void run(() => changeMemberRole(detail.id, m.userId, next), reload)}
                />
              </>
            ) : (
              <span className="tag">{labelOf(m.role)}</span>
            )}
            {mayManage && m.role !== 'owner' ? (
              <button type="button" className="button button--quiet button--small" aria-label={`Remove ${m.displayName} from the team`} onClick={() => void run(() => removeCaseMember(detail.id, m.userId), reload)}>
                Remove
              </button>
            ) : null}
          </li>
        ))}
      </ul>
      {mayManage ? (
        <form className="inline-form" aria-label="Add a team member" onSubmit={(e) => void add(e)}>
          <TextField id="member-username" label="Username" value={username} onChange={setUsername} />
          <SelectField id="member-role" label="Role" options={TEAM_ROLES} value={role} onChange={setRole} />
          <SubmitButton className="button button--small">Add member</SubmitButton>
        </form>
      ) : null}
      <FieldError error={error} />
    </Panel>
  );
}

function DetailsPanel({ detail }: { detail: CaseDetail }) {
  const fields = Object.entries(detail.fields);
  return (
    <Panel titleId="details-title" title="Details">
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
    </Panel>
  );
}

function LinksPanel({ caseId }: { caseId: string }) {
  const [links, reload] = useRead(listCaseLinks, caseId);
  const [other, setOther] = useState('');
  const [relation, setRelation] = useState<string>('related');
  const { error, setError, run } = useAction();

  async function add(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    if (!other.trim()) return setError('Give the number of the case to link, like C-2026-0002.');
    await run(
      () => linkCases(caseId, { linkedCaseId: other.trim(), relation }),
      () => {
        setOther('');
        reload();
      },
    );
  }

  return (
    <Panel titleId="links-title" title="Linked cases">
      <Loaded resource={links} failure="Linked cases could not be loaded." isEmpty={(d) => d.links.length === 0 && d.hidden === 0} empty={<p>No linked case.</p>}>
        {(data) => (
          <ul className="plain-list" role="list">
            {data.links.map((l) => (
              <li key={l.caseId}>
                <span className="tag">{l.direction === 'incoming' ? `Links here as its ${labelOf(l.relation).toLowerCase()}` : labelOf(l.relation)}</span>{' '}
                <Link href={casePath(l.caseId)}>{l.title || l.caseId}</Link> <code>{l.caseId}</code>{' '}
                {l.status ? <span className="field__hint">{labelOf(l.status)}</span> : null}
                {l.note ? <span className="field__hint"> · {l.note}</span> : null}{' '}
                <button type="button" className="button button--quiet button--small" aria-label={`Unlink ${l.caseId}`} onClick={() => void run(() => unlinkCases(caseId, l.caseId), reload)}>
                  Unlink
                </button>
              </li>
            ))}
            {data.hidden > 0 ? <li className="field__hint">{plural(data.hidden, 'linked case')} you may not see.</li> : null}
          </ul>
        )}
      </Loaded>
      <form className="inline-form" aria-label="Link another case" onSubmit={(e) => void add(e)}>
        <TextField id="link-case" label="Case number" placeholder="C-2026-0042" value={other} onChange={setOther} />
        <SelectField id="link-relation" label="Relation" options={LINK_RELATIONS} value={relation} onChange={setRelation} />
        <SubmitButton className="button button--small">Link case</SubmitButton>
      </form>
      <FieldError error={error} />
    </Panel>
  );
}

function OverlapsPanel({ detail }: { detail: CaseDetail }) {
  const [overlaps, reload] = useRead(listCaseOverlaps, detail.id);
  const { owner, supervisor } = useIsOwner(detail);
  return (
    <Panel titleId="overlaps-title" title="Overlaps with other cases">
      <Loaded resource={overlaps} failure="Overlaps could not be loaded." empty={<p>No other case shares a subject with this one.</p>}>
        {(data) => (
          <ul className="plain-list overlap-list" role="list">
            {data.map((o) => (
              <OverlapNotice key={o.id} caseId={detail.id} overlap={o} mayDecide={owner || supervisor} onDecided={reload} />
            ))}
          </ul>
        )}
      </Loaded>
    </Panel>
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
  const { error, refuse, busy, run } = useAction();
  const other = overlap.other;
  const reasonId = `overlap-reason-${overlap.id}`;

  async function decide(share: boolean): Promise<void> {
    if (reason.trim().length < 3) return refuse('Say in a few words why you share or decline.', reasonId);
    await run(() => decideOverlap(overlap.id, { caseId, share, reason: reason.trim() }), onDecided);
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
          <TextField id={reasonId} label="Reason" maxLength={2000} value={reason} onChange={setReason} />
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
      <FieldError error={error} />
    </li>
  );
}
