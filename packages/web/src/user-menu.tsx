import { useState } from 'react';
import { signOut } from './api';
import { setSignedOut, useSession } from './session';

/** Who is signed in, with their roles, and the way out. */
export function UserMenu() {
  const session = useSession();
  const [busy, setBusy] = useState(false);
  if (session.status !== 'signed-in') return null;
  async function leave(): Promise<void> {
    setBusy(true);
    await signOut();
    setSignedOut();
  }
  return (
    <div className="user-menu">
      <span>
        <span className="user-menu__name" data-testid="signed-in-user">
          {session.me.displayName}
        </span>{' '}
        <span className="user-menu__roles">({session.me.roles.join(', ')})</span>
      </span>
      <button type="button" className="button button--small" onClick={() => void leave()} disabled={busy}>
        Sign out
      </button>
    </div>
  );
}
