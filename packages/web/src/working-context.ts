import { useSyncExternalStore } from 'react';

/** The case and purpose the user is working under; the server ties every search and view to it. */
export interface WorkingContext {
  /** Empty when the purpose needs no case (oversight, administration). */
  caseId: string;
  purposeCode: string;
  /** Kept beside the code so the bar can show it without asking the server again. */
  purposeLabel: string;
  justification: string;
}

// sessionStorage, not localStorage: a stated purpose belongs to one sitting in one tab.
const storageKey = 'casegraph.working-context';
const listeners = new Set<() => void>();
let cached: WorkingContext | null | undefined;

function parseWorkingContext(raw: string | null): WorkingContext | null {
  if (raw === null) return null;
  try {
    const value = JSON.parse(raw) as Partial<Record<keyof WorkingContext, unknown>>;
    const { caseId, purposeCode, purposeLabel, justification } = value;
    if (typeof caseId !== 'string' || typeof purposeCode !== 'string') return null;
    if (typeof purposeLabel !== 'string' || typeof justification !== 'string') return null;
    if (!purposeCode || !justification) return null;
    return { caseId, purposeCode, purposeLabel, justification };
  } catch {
    return null;
  }
}

function readStorage(): string | null {
  try {
    return window.sessionStorage.getItem(storageKey);
  } catch {
    return null; // storage blocked by the browser: the context then lives only in memory
  }
}

function writeStorage(context: WorkingContext | null): void {
  try {
    if (context) window.sessionStorage.setItem(storageKey, JSON.stringify(context));
    else window.sessionStorage.removeItem(storageKey);
  } catch {
    // storage blocked: keep the in-memory copy
  }
}

function snapshot(): WorkingContext | null {
  if (cached === undefined) cached = parseWorkingContext(readStorage());
  return cached;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Sets the working context for this tab, or clears it with `null`. */
export function setWorkingContext(context: WorkingContext | null): void {
  cached = context;
  writeStorage(context);
  for (const listener of listeners) listener();
}

/** The working context outside React (for API calls). */
export function getWorkingContext(): WorkingContext | null {
  return snapshot();
}

/** The current working context, or `null` when the user has not stated a case and purpose. */
export function useWorkingContext(): WorkingContext | null {
  return useSyncExternalStore(subscribe, snapshot);
}

const editorListeners = new Set<() => void>();
let editorOpen = false;

/** Opens or closes the form that sets the working context; any page may ask for it. */
export function setContextEditorOpen(open: boolean): void {
  editorOpen = open;
  for (const listener of editorListeners) listener();
}

/** Whether the working-context form is open. */
export function useContextEditorOpen(): boolean {
  return useSyncExternalStore(
    (listener) => {
      editorListeners.add(listener);
      return () => editorListeners.delete(listener);
    },
    () => editorOpen,
  );
}

/** One line naming the case and purpose, for hints: "case C-2026-0001 under Criminal investigation". */
export function describeWorkingContext(context: WorkingContext): string {
  return context.caseId ? `case ${context.caseId} under ${context.purposeLabel}` : `${context.purposeLabel}, with no case`;
}
