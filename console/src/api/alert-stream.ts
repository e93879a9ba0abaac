import type { Alert } from './types';
import { apiBase } from './http';
import { createSseParser } from './sse-parser';
import { tokenStore } from './token-store';

export type StreamState = 'connecting' | 'open' | 'retrying' | 'stopped';

export interface AlertStreamOptions {
  /** Resume after this alert id (the last one the page already shows), so nothing between is lost. */
  lastEventId?: string | null;
  onAlert(alert: Alert): void;
  onState(state: StreamState, detail?: string): void;
  onUnauthorized(): void;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });

/**
 * Follows GET /alerts/stream with fetch (EventSource cannot send the Authorization header). When the stream
 * ends or fails it reconnects with `Last-Event-ID` set to the last id seen, backing off 1 s, 2 s, 4 s ... up
 * to 30 s (never faster than the server's `retry:`). Returns a function that stops it.
 */
export function followAlerts(options: AlertStreamOptions): () => void {
  const controller = new AbortController();
  const { signal } = controller;
  let lastId = options.lastEventId ?? null;
  let serverRetry = 1000;

  const connectOnce = async (): Promise<'ended' | 'unauthorized' | 'forbidden'> => {
    const headers: Record<string, string> = { accept: 'text/event-stream' };
    const token = tokenStore.get();
    if (token) headers.authorization = `Bearer ${token}`;
    if (lastId) headers['last-event-id'] = lastId;
    const res = await fetch(`${apiBase}/alerts/stream`, { headers, signal, cache: 'no-store' });
    if (res.status === 401) return 'unauthorized';
    if (res.status === 403) return 'forbidden';
    if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
    options.onState('open');
    const parser = createSseParser(
      (event) => {
        if (event.id) lastId = event.id;
        if (event.event !== 'alert' && event.event !== 'message') return;
        try {
          options.onAlert(JSON.parse(event.data) as Alert);
        } catch {
          // a malformed event is skipped; the next one still arrives
        }
      },
      (ms) => (serverRetry = ms),
    );
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return 'ended';
      parser.push(value);
    }
  };

  const run = async () => {
    let backoff = 1000;
    while (!signal.aborted) {
      options.onState('connecting');
      const opened = Date.now();
      try {
        const outcome = await connectOnce();
        if (outcome === 'unauthorized') {
          options.onState('stopped', '登录已失效，请重新登录');
          options.onUnauthorized();
          return;
        }
        if (outcome === 'forbidden') {
          options.onState('stopped', '无权限接收告警');
          return;
        }
      } catch (err) {
        if (signal.aborted) return;
        void err;
      }
      if (signal.aborted) return;
      // A stream that stayed up a while was healthy: start the back-off again from the bottom.
      if (Date.now() - opened > 30_000) backoff = 1000;
      const wait = Math.max(backoff, serverRetry) + Math.floor(Math.random() * 300);
      options.onState('retrying', `连接中断，${Math.round(wait / 1000)} 秒后重连`);
      await sleep(wait, signal);
      backoff = Math.min(backoff * 2, 30_000);
    }
  };
  void run();
  return () => {
    controller.abort();
    options.onState('stopped');
  };
}
