/**
 * One signed HTTP attempt of an alert webhook (告警推送), shared by the delivery activity and the API's test
 * ping: the signature, the guard against private targets, the timeout, and what happened, in words an admin reads.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { envSchema } from '../config/env';

export interface WebhookSettings {
  timeoutMs: number;
  maxAttempts: number;
  retryInitialMs: number;
  retryMaxMs: number;
  /** 0: never disable a subscription by itself. */
  disableAfterFailures: number;
  allowPrivateTargets: boolean;
}

const webhookEnv = envSchema.pick({
  WEBHOOK_TIMEOUT_MS: true,
  WEBHOOK_MAX_ATTEMPTS: true,
  WEBHOOK_RETRY_INITIAL_MS: true,
  WEBHOOK_RETRY_MAX_MS: true,
  WEBHOOK_DISABLE_AFTER_FAILURES: true,
  WEBHOOK_ALLOW_PRIVATE_TARGETS: true,
});

/** From WEBHOOK_* (validated at start-up with the rest of config/env.ts); `given` wins. */
export function webhookSettings(given: Partial<WebhookSettings> = {}, source: NodeJS.ProcessEnv = process.env): WebhookSettings {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([k, v]) => k.startsWith('WEBHOOK_') && v !== ''));
  const env = webhookEnv.parse(cleaned);
  return {
    timeoutMs: env.WEBHOOK_TIMEOUT_MS,
    maxAttempts: env.WEBHOOK_MAX_ATTEMPTS,
    retryInitialMs: env.WEBHOOK_RETRY_INITIAL_MS,
    retryMaxMs: Math.max(env.WEBHOOK_RETRY_MAX_MS, env.WEBHOOK_RETRY_INITIAL_MS),
    disableAfterFailures: env.WEBHOOK_DISABLE_AFTER_FAILURES,
    allowPrivateTargets: env.WEBHOOK_ALLOW_PRIVATE_TARGETS,
    ...given,
  };
}

/** Retries double from the first interval up to the cap: the wait before attempt `attempt + 1`. */
export const backoffAfter = (attempt: number, s: Pick<WebhookSettings, 'retryInitialMs' | 'retryMaxMs'>): number =>
  Math.min(s.retryInitialMs * 2 ** Math.max(0, attempt - 1), s.retryMaxMs);

export const newWebhookSecret = (): string => `whsec_${randomBytes(32).toString('base64url')}`;

/** `v1=` and the hex HMAC-SHA256, keyed by the whole secret (UTF-8), of `${timestamp}.${rawBody}`. */
export const webhookSignature = (secret: string, timestamp: number, rawBody: string): string =>
  `v1=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`, 'utf8').digest('hex')}`;

// Loopback, private, link-local, carrier-grade NAT, multicast and reserved ranges: a webhook is for systems
// elsewhere, and a target here would let whoever registers it probe the platform's own network.
const privateRanges = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) privateRanges.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [['::', 128], ['::1', 128], ['::ffff:0:0', 96], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8]] as const) {
  privateRanges.addSubnet(net, bits, 'ipv6');
}

const isPrivateAddress = (address: string): boolean => {
  const family = isIP(address);
  return family === 0 || privateRanges.check(address, family === 4 ? 'ipv4' : 'ipv6');
};

const bareHost = (url: URL): string => url.hostname.replace(/^\[|\]$/g, '');

/** What can be told without DNS: localhost or an address literal in a private range. */
export function isPrivateHostLiteral(url: URL): boolean {
  const host = bareHost(url).toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  return isIP(host) !== 0 && isPrivateAddress(host);
}

/** Every address the name resolves to must be public. */
async function resolvesToPrivate(url: URL): Promise<boolean> {
  if (isPrivateHostLiteral(url)) return true;
  const host = bareHost(url);
  if (isIP(host) !== 0) return false;
  const addresses = await lookup(host, { all: true });
  return addresses.length === 0 || addresses.some((a) => isPrivateAddress(a.address));
}

/** The name lookup counts against the attempt's timeout too. */
const untilAborted = <T>(work: Promise<T>, signal: AbortSignal): Promise<T> =>
  new Promise((resolve, reject) => {
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    work.then(resolve, reject);
  });

export interface WebhookMessage {
  url: string;
  secret: string;
  deliveryId: string;
  /** `alert.<type>` or `ping`. */
  event: string;
  attempt: number;
  body: string;
}

export interface WebhookOutcome {
  ok: boolean;
  httpStatus: number | null;
  error: string | null;
  /** When the attempt started. */
  at: Date;
  durationMs: number;
}

const networkError = (err: unknown, timeoutMs: number): string => {
  const e = err as { name?: string; code?: string; cause?: { code?: string; message?: string }; message?: string };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return `超时：${timeoutMs} 毫秒内没有应答 (timeout)`;
  const code = e?.cause?.code ?? e?.code;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `域名无法解析 (${code})`;
  if (code === 'ECONNREFUSED') return '连接被拒绝 (ECONNREFUSED)';
  if (code) return `连接失败 (${code})`;
  return `请求失败 (${e?.cause?.message ?? e?.message ?? 'unknown'})`;
};

/**
 * One attempt: POST the body with the signature headers, no redirects followed, within the timeout. Never
 * throws: whatever happened is the outcome (2xx is delivered, anything else is a failure with a reason).
 */
export async function sendWebhook(message: WebhookMessage, settings: Pick<WebhookSettings, 'timeoutMs' | 'allowPrivateTargets'>): Promise<WebhookOutcome> {
  const at = new Date();
  const started = performance.now();
  const done = (outcome: Omit<WebhookOutcome, 'at' | 'durationMs'>): WebhookOutcome => ({ ...outcome, at, durationMs: Math.round(performance.now() - started) });
  const signal = AbortSignal.timeout(settings.timeoutMs);
  try {
    const url = new URL(message.url);
    if (!settings.allowPrivateTargets && (await untilAborted(resolvesToPrivate(url), signal))) {
      return done({ ok: false, httpStatus: null, error: '目标地址在本机或内网，未发送 (private target refused)' });
    }
    const timestamp = Math.floor(at.getTime() / 1000);
    const res = await fetch(url, {
      method: 'POST',
      redirect: 'manual',
      signal,
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'user-agent': 'jiesu-webhooks/1',
        'x-jiesu-event': message.event,
        'x-jiesu-delivery': message.deliveryId,
        'x-jiesu-attempt': String(message.attempt),
        'x-jiesu-timestamp': String(timestamp),
        'x-jiesu-signature': webhookSignature(message.secret, timestamp, message.body),
      },
      body: message.body,
    });
    // The answer's body is not read: only the status counts, and a slow body must not hold the attempt.
    await res.body?.cancel().catch(() => undefined);
    if (res.status >= 200 && res.status < 300) return done({ ok: true, httpStatus: res.status, error: null });
    const why = res.status >= 300 && res.status < 400 ? '重定向不会被跟随' : '接收方返回错误';
    return done({ ok: false, httpStatus: res.status, error: `${why} (HTTP ${res.status})` });
  } catch (err) {
    return done({ ok: false, httpStatus: null, error: networkError(signal.aborted ? { name: 'TimeoutError' } : err, settings.timeoutMs) });
  }
}

/** What a receiver gets: the same bytes on every attempt of a delivery (only the timestamp and signature change). */
export function webhookBody(delivery: { id: string; event: string; createdAt: string; subscriptionId: string; alert: Record<string, unknown> | null }): string {
  const common = { id: delivery.id, event: delivery.event, createdAt: delivery.createdAt, subscriptionId: delivery.subscriptionId };
  return JSON.stringify(delivery.alert ? { ...common, alert: delivery.alert } : { ...common, message: '测试推送：用于检查连通性与签名 (test ping)' });
}
