import { useCallback, useEffect, useRef, useState } from 'react';
import { isAbort } from '../api/http';

export interface ApiData<T> {
  data: T | undefined;
  error: unknown;
  /** True only for a load the user waits on; background refreshes keep showing the last answer. */
  loading: boolean;
  reload: () => void;
}

/**
 * Loads something when `deps` change, never blocking the page: the last answer stays shown while the next
 * loads, a stale answer never overwrites a newer one, and a page that goes away aborts its call.
 * `refreshMs` reloads quietly every so often (a case page stays current while it is open).
 */
export function useApiData<T>(load: (signal: AbortSignal) => Promise<T>, deps: readonly unknown[], refreshMs?: number): ApiData<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const quiet = useRef(false);

  useEffect(() => {
    const controller = new AbortController();
    if (!quiet.current) setLoading(true);
    quiet.current = false;
    loadRef.current(controller.signal).then(
      (answer) => {
        if (controller.signal.aborted) return;
        setData(answer);
        setError(null);
        setLoading(false);
      },
      (err: unknown) => {
        if (controller.signal.aborted || isAbort(err)) return;
        setError(err);
        setLoading(false);
      },
    );
    return () => controller.abort();
  }, [...deps, tick]);

  useEffect(() => {
    if (!refreshMs) return;
    const timer = setInterval(() => {
      if (document.visibilityState === 'hidden') return;
      quiet.current = true;
      setTick((t) => t + 1);
    }, refreshMs);
    return () => clearInterval(timer);
  }, [refreshMs]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload };
}
