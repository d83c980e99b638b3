import { useCallback, useEffect, useState } from 'react';
import type { ApiError, ApiResult } from './api';

/** The state of one API read; `data` stays while a reload runs so the screen does not flicker. */
export type Resource<T> =
  | { status: 'loading'; data?: T }
  | { status: 'ready'; data: T }
  | { status: 'error'; error: ApiError; data?: T };

/**
 * Runs `load` on mount and whenever `reload` is called, ignoring answers that arrive after unmount.
 * `load` must be stable (a module function or a memoised callback).
 */
export function useResource<T>(load: (signal: AbortSignal) => Promise<ApiResult<T>>): [Resource<T>, () => void] {
  const [resource, setResource] = useState<Resource<T>>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    setResource((previous) => ({ status: 'loading', data: previous.data }));
    void load(controller.signal).then((result) => {
      if (controller.signal.aborted) return;
      setResource((previous) =>
        result.ok ? { status: 'ready', data: result.data } : { status: 'error', error: result.error, data: previous.data },
      );
    });
    return () => controller.abort();
  }, [load, attempt]);

  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  return [resource, reload];
}
