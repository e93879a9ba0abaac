import { useEffect, useRef, useState } from 'react';
import { followAlerts, type StreamState } from '../api/alert-stream';
import { api } from '../api/http';
import type { Alert } from '../api/types';

const keep = 200;
const dayAgo = () => new Date(Date.now() - 24 * 3600_000).toISOString();

export interface AlertFeed {
  alerts: Alert[];
  /** Ids that arrived live since the page opened (shown as new). */
  fresh: Set<string>;
  loading: boolean;
  error: unknown;
  state: StreamState;
  detail?: string;
}

/**
 * The newest alerts of the last day (GET /alerts?order=desc), then every new one live (the SSE stream, resumed after the last id
 * the list holds so that nothing falls between the two). Newest first.
 */
export function useAlertFeed(onUnauthorized: () => void): AlertFeed {
  const [alerts, setAlerts] = useState<Alert[]>([]);
  const [fresh, setFresh] = useState<Set<string>>(new Set());
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [stream, setStream] = useState<{ state: StreamState; detail?: string }>({ state: 'connecting' });
  const unauthorized = useRef(onUnauthorized);
  unauthorized.current = onUnauthorized;

  useEffect(() => {
    let stop: (() => void) | null = null;
    let live = true;
    const controller = new AbortController();
    const start = (lastEventId: string | null) => {
      if (!live) return;
      stop = followAlerts({
        lastEventId,
        onAlert: (alert) => {
          setAlerts((old) => (old.some((a) => a.id === alert.id) ? old : [alert, ...old].slice(0, keep)));
          setFresh((old) => new Set(old).add(alert.id));
        },
        onState: (state, detail) => live && setStream({ state, detail }),
        onUnauthorized: () => unauthorized.current(),
      });
    };
    // The newest first (order=desc), so a busy day shows what just happened; the stream resumes after the newest.
    api.get<{ items: Alert[] }>('/alerts', { since: dayAgo(), limit: keep, order: 'desc' }, controller.signal).then(
      (page) => {
        setAlerts(page.items);
        setLoading(false);
        start(page.items[0]?.id ?? null);
      },
      (err: unknown) => {
        if (controller.signal.aborted) return;
        setError(err);
        setLoading(false);
        start(null); // the live part may still work
      },
    );
    return () => {
      live = false;
      controller.abort();
      stop?.();
    };
  }, []);

  return { alerts, fresh, loading, error, ...stream };
}
