import type { RequestHandler } from 'express';
import client from 'prom-client';
import type { Db } from '../db/connection';
import { caseStatuses, hasEnded } from '../workflows/domain';

/**
 * `/metrics` for Prometheus: the process, every request by route, and the state of the city's work read from
 * PostgreSQL at scrape time (open and overdue cases, unacknowledged alerts). README "Operations" says what to
 * watch and which alerts to set. One registry per app, so several apps in one process never clash.
 */
export interface Metrics {
  recordRequests: RequestHandler;
  expose: RequestHandler;
}

const openStatuses = caseStatuses.filter((s) => !hasEnded(s));

export function createMetrics(db: Db): Metrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });

  const requestDuration = new client.Histogram({
    name: 'jiesu_http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15],
    registers: [registry],
  });

  // Each gauge counts with one indexed query when scraped; a failing query leaves the gauge empty, not the page.
  const gauge = (name: string, help: string, labelNames: string[], read: () => Promise<{ labels: Record<string, string>; value: number }[]>) =>
    new client.Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        this.reset();
        const rows = await read().catch(() => []);
        for (const r of rows) this.set(r.labels, r.value);
      },
    });

  /** Counts grouped by the given columns, each row as gauge labels. */
  const countBy = async (sql: string, bindings: unknown[], labels: string[]) => {
    const { rows } = await db.raw<{ rows: Record<string, string>[] }>(sql, bindings as never);
    return rows.map((r) => ({ labels: Object.fromEntries(labels.map((l) => [l, String(r[l])])), value: Number(r.n) }));
  };
  const open = openStatuses.map(() => '?').join(', ');
  gauge('jiesu_cases_open', 'Cases not yet ended, by tier and status', ['tier', 'status'], () =>
    countBy(`select tier, status, count(*) as n from cases where status in (${open}) group by tier, status`, openStatuses, ['tier', 'status']),
  );
  gauge('jiesu_cases_overdue', 'Open cases past a deadline, by tier', ['tier'], () =>
    countBy(`select tier, count(*) as n from cases where status in (${open}) and overdue group by tier`, openStatuses, ['tier']),
  );
  gauge('jiesu_alerts_unacknowledged', 'Alerts nobody acknowledged yet, by tier and type', ['tier', 'type'], () =>
    countBy('select tier, type, count(*) as n from alerts where acknowledged_at is null group by tier, type', [], ['tier', 'type']),
  );

  return {
    // Labels use the route pattern, never the raw URL, so case ids do not explode the series count.
    recordRequests: (req, res, next) => {
      const end = requestDuration.startTimer();
      res.on('finish', () => {
        const route = req.route?.path ? `${req.baseUrl}${req.route.path}` : 'unmatched';
        end({ method: req.method, route, status: String(res.statusCode) });
      });
      next();
    },
    expose: async (_req, res) => {
      res.setHeader('content-type', registry.contentType);
      res.send(await registry.metrics());
    },
  };
}
