/** Typed helpers for the casegraph HTTP API. Every helper resolves to a result; none throws. */

/** A purpose a user can state for their work, as listed by the server. */
export interface Purpose {
  code: string;
  label: string;
  /** Whether work under this purpose must name a case; oversight and administration need not. */
  caseRequired: boolean;
}

/** What `GET /api/health` reports; `degraded` means the server runs but cannot reach its store. */
export interface Health {
  status: 'ok' | 'degraded';
  version: string;
  store: 'pglite' | 'postgres';
}

/** Why a call failed, phrased for the person using the app. */
export interface ApiError {
  kind: 'network' | 'http' | 'invalid';
  message: string;
  status?: number;
}

export type ApiResult<T> = { ok: true; data: T } | { ok: false; error: ApiError };

type Check<T> = (body: unknown) => T | undefined;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Pulls a human message out of an error body, whichever of the usual shapes it has. */
function errorMessage(body: unknown): string | undefined {
  if (!isRecord(body)) return undefined;
  if (typeof body.message === 'string') return body.message;
  if (isRecord(body.error) && typeof body.error.message === 'string') return body.error.message;
  return undefined;
}

async function readJson(response: Response): Promise<unknown> {
  try {
    return (await response.json()) as unknown;
  } catch {
    return undefined;
  }
}

async function getJson<T>(
  path: string,
  check: Check<T>,
  options: { signal?: AbortSignal | undefined; acceptStatuses?: readonly number[] } = {},
): Promise<ApiResult<T>> {
  const { signal, acceptStatuses = [] } = options;
  let response: Response;
  try {
    response = await fetch(path, { headers: { accept: 'application/json' }, credentials: 'same-origin', signal });
  } catch {
    return { ok: false, error: { kind: 'network', message: 'The casegraph server could not be reached.' } };
  }
  const body = await readJson(response);
  if (!response.ok && !acceptStatuses.includes(response.status)) {
    const detail = errorMessage(body);
    const message = `The server answered ${response.status}${detail ? `: ${detail}` : '.'}`;
    return { ok: false, error: { kind: 'http', status: response.status, message } };
  }
  const data = check(body);
  if (data === undefined) {
    return { ok: false, error: { kind: 'invalid', message: `The server sent an unexpected answer to ${path}.` } };
  }
  return { ok: true, data };
}

const checkHealth: Check<Health> = (body) => {
  if (!isRecord(body) || typeof body.version !== 'string') return undefined;
  if (body.status !== 'ok' && body.status !== 'degraded') return undefined;
  if (body.store !== 'pglite' && body.store !== 'postgres') return undefined;
  return { status: body.status, version: body.version, store: body.store };
};

const checkPurposes: Check<Purpose[]> = (body) => {
  if (!isRecord(body) || !Array.isArray(body.purposes)) return undefined;
  const purposes: Purpose[] = [];
  for (const item of body.purposes as unknown[]) {
    if (!isRecord(item) || typeof item.code !== 'string' || typeof item.label !== 'string') return undefined;
    purposes.push({ code: item.code, label: item.label, caseRequired: item.caseRequired !== false });
  }
  return purposes;
};

/** Reads the server's health: `GET /api/health` (a 503 still carries a readable health report). */
export function getHealth(signal?: AbortSignal): Promise<ApiResult<Health>> {
  return getJson('/api/health', checkHealth, { signal, acceptStatuses: [503] });
}

/** Lists the purposes a user may state: `GET /api/purposes`. */
export function listPurposes(signal?: AbortSignal): Promise<ApiResult<Purpose[]>> {
  return getJson('/api/purposes', checkPurposes, { signal });
}
