import { useCallback, useEffect, useRef, useState } from 'react';
import { api, isAbort, type Query } from '../api/http';
import type { Page } from '../api/types';

export interface CursorList<T> {
  items: T[];
  loading: boolean;
  error: unknown;
  hasMore: boolean;
  loadMore: () => void;
  reload: () => void;
}

/**
 * A long list read page by page with `cursor`/`nextCursor`. Changing the query starts again. `refreshMs`
 * re-reads the first page quietly while only that page is shown (never under someone paging further).
 */
export function useCursorList<T>(path: string, query: Query, refreshMs?: number): CursorList<T> {
  const [items, setItems] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [generation, setGeneration] = useState(0);
  const key = `${path}?${JSON.stringify(query)}`;
  const inFlight = useRef<AbortController | null>(null);
  const pages = useRef(0);

  // The query object is new on each render; its content is in `key`, which is what the callback depends on.
  const fetchPage = useCallback(
    (after: string | null, mode: 'first' | 'more' | 'refresh') => {
      inFlight.current?.abort();
      const controller = new AbortController();
      inFlight.current = controller;
      if (mode !== 'refresh') setLoading(true);
      api.get<Page<T>>(path, { ...query, cursor: after ?? undefined }, controller.signal).then(
        (page) => {
          if (controller.signal.aborted) return;
          inFlight.current = null;
          setItems((old) => (mode === 'more' ? [...old, ...page.items] : page.items));
          setCursor(page.nextCursor);
          pages.current = mode === 'more' ? pages.current + 1 : 1;
          setError(null);
          setLoading(false);
        },
        (err: unknown) => {
          if (controller.signal.aborted || isAbort(err)) return;
          inFlight.current = null;
          setError(err);
          setLoading(false);
        },
      );
    },
    [key],
  );

  useEffect(() => {
    setItems([]);
    setCursor(null);
    pages.current = 0;
    fetchPage(null, 'first');
    return () => inFlight.current?.abort();
  }, [fetchPage, generation]);

  useEffect(() => {
    if (!refreshMs) return;
    const timer = setInterval(() => {
      if (document.visibilityState === 'hidden' || inFlight.current || pages.current > 1) return;
      fetchPage(null, 'refresh');
    }, refreshMs);
    return () => clearInterval(timer);
  }, [fetchPage, refreshMs]);

  return {
    items,
    loading,
    error,
    hasMore: cursor !== null,
    loadMore: () => {
      if (cursor) fetchPage(cursor, 'more');
    },
    reload: () => setGeneration((g) => g + 1),
  };
}
