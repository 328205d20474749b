import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Metrics } from '../domain/ports.js';

/** Prometheus metrics of one process: the `Metrics` port for services, and the registry `GET /metrics` renders. */
export interface PrometheusMetrics extends Metrics {
  registry: Registry;
}

/**
 * Builds the process's metrics on a registry of its own (never prom-client's global one):
 * Node's defaults (CPU, memory, event-loop delay, GC), HTTP requests and latency by route
 * template and status, logins by outcome, second-factor checks by method and outcome,
 * lockouts, emails sent and failed, and the database pool's use when there is one.
 */
export function createPrometheusMetrics(
  options: {
    poolUse?: (() => { total: number; idle: number; waiting: number }) | undefined;
    /** Rows of the outbox not yet delivered, and when the oldest was written (read at each scrape). */
    outboxBacklog?: () => Promise<{ pending: number; oldestCreatedAt: string | null }>;
  } = {},
): PrometheusMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'mpp2fa_' });
  const requests = new Counter({
    name: 'mpp2fa_http_requests_total',
    help: 'HTTP requests by route template, method and status',
    labelNames: ['route', 'method', 'status'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'mpp2fa_http_request_duration_seconds',
    help: 'HTTP request latency by route template and method',
    labelNames: ['route', 'method'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const logins = new Counter({ name: 'mpp2fa_logins_total', help: 'Password logins by outcome', labelNames: ['outcome'], registers: [registry] });
  const secondFactors = new Counter({
    name: 'mpp2fa_second_factor_verifications_total',
    help: 'Second-factor checks by method and outcome',
    labelNames: ['method', 'outcome'],
    registers: [registry],
  });
  const lockouts = new Counter({ name: 'mpp2fa_second_factor_lockouts_total', help: 'Failures that locked second-factor verification', registers: [registry] });
  const emails = new Counter({
    name: 'mpp2fa_emails_total',
    help: 'Emails by outcome: queued, sent, failed (an attempt; retried), given_up',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const { poolUse, outboxBacklog } = options;
  if (outboxBacklog) {
    let last: Promise<{ pending: number; oldestCreatedAt: string | null }> | undefined;
    // One query per scrape for both gauges.
    const backlog = () => (last ??= outboxBacklog().finally(() => setImmediate(() => (last = undefined))));
    new Gauge({
      name: 'mpp2fa_outbox_pending',
      help: 'Mails and webhook calls written by committed changes and not yet delivered',
      registers: [registry],
      async collect() {
        this.set((await backlog()).pending);
      },
    });
    new Gauge({
      name: 'mpp2fa_outbox_oldest_pending_seconds',
      help: 'Age of the oldest undelivered outbox row (0 when none)',
      registers: [registry],
      async collect() {
        const oldest = (await backlog()).oldestCreatedAt;
        this.set(oldest === null ? 0 : Math.max(0, (Date.now() - Date.parse(oldest)) / 1000));
      },
    });
  }
  if (poolUse) {
    new Gauge({
      name: 'mpp2fa_database_pool_connections',
      help: 'PostgreSQL pool connections by state',
      labelNames: ['state'],
      registers: [registry],
      collect() {
        const use = poolUse();
        this.set({ state: 'open' }, use.total);
        this.set({ state: 'idle' }, use.idle);
        this.set({ state: 'waiting' }, use.waiting);
      },
    });
  }
  return {
    registry,
    login: (outcome) => logins.inc({ outcome }),
    secondFactor: (method, outcome) => secondFactors.inc({ method, outcome }),
    lockout: () => lockouts.inc(),
    email: (outcome) => emails.inc({ outcome }),
    httpRequest(route, method, status, seconds) {
      requests.inc({ route, method, status: String(status) });
      latency.observe({ route, method }, seconds);
    },
  };
}
