/** Stable error codes every interface maps to its own answer (HTTP status, exit code). */
export type ErrorCode =
  | 'invalid'
  | 'not-found'
  | 'forbidden'
  | 'unauthenticated'
  | 'conflict'
  | 'purpose-required'
  | 'store-unavailable'
  | 'store-locked'
  | 'disk-full'
  | 'too-large';

/** A deliberate error: its message is written for the user and is safe to show. */
export class CaseGraphError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'CaseGraphError';
    this.code = code;
    this.details = details;
  }
}

/** Input that breaks a rule of the model or of a use case. */
export class Invalid extends CaseGraphError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('invalid', message, details);
  }
}

/** An object that does not exist, or that the caller may not know exists. */
export class NotFound extends CaseGraphError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('not-found', message, details);
  }
}

/** The caller is known but may not do this. */
export class Forbidden extends CaseGraphError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('forbidden', message, details);
  }
}

/** The caller has not signed in, or the session has ended. */
export class Unauthenticated extends CaseGraphError {
  constructor(message: string) {
    super('unauthenticated', message);
  }
}

/** The request clashes with what is stored (a duplicate id, a stale state). */
export class Conflict extends CaseGraphError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('conflict', message, details);
  }
}

/** Personal data was asked for without a case, purpose and justification. */
export class PurposeRequired extends CaseGraphError {
  constructor(message: string) {
    super('purpose-required', message);
  }
}

/** The store cannot be opened or reached. */
export class StoreUnavailable extends CaseGraphError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('store-unavailable', message, details);
  }
}

/** Another process holds the embedded store's data folder. */
export class StoreLocked extends CaseGraphError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('store-locked', message, details);
  }
}

/**
 * The store's disk has no room for the write: nothing of the failed call was kept, what was
 * acknowledged before stays, and writes succeed again once space is freed.
 */
export class DiskFull extends CaseGraphError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('disk-full', message, details);
  }
}

/** Tells deliberate errors from bugs. */
export function isCaseGraphError(error: unknown): error is CaseGraphError {
  return error instanceof CaseGraphError;
}
