import type { TAlert } from './alert.ts';

/** Past this, a webhook call is abandoned (and reported through `onError`). */
const DEFAULT_WEBHOOK_TIMEOUT_MS = 5000;

/** What a webhook receives: the alert's kind, severity, time, and IDs and counts only. */
export interface TAlertWebhookPayload {
  id: string;
  kind: TAlert['kind'];
  severity: TAlert['severity'];
  created_at: string;
  delivery_id: string | null;
  client_org_id: string | null;
  /** Entries of the alert's details that are IDs, codes or numbers (never free text). */
  ids: Record<string, string | number>;
}

/** The JSON a webhook is sent for `alert`. */
export function toAlertWebhookPayload(alert: TAlert): TAlertWebhookPayload {
  const ids: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(alert.details)) {
    if (typeof value === 'number' || (typeof value === 'string' && /(Id|Code)$/.test(key))) {
      ids[key] = value;
    }
  }
  return {
    id: alert.id,
    kind: alert.kind,
    severity: alert.severity,
    created_at: alert.createdAt.toISOString(),
    delivery_id: alert.deliveryId,
    client_org_id: alert.clientOrgId,
    ids,
  };
}

export interface TAlertWebhookOptions {
  /** https://…, or http:// on the loopback (tests, a local relay). */
  url: string;
  timeoutMs?: number;
  /** Told of a failed call (network, timeout, non-2xx): log it; never rethrow. */
  onError: (error: Error, alert: TAlert) => void;
}

/**
 * A `ctx.alerts.notify` that POSTs each alert as JSON to a webhook. It resolves
 * whatever happens — failures go to `onError` — so a raiser can fire and forget:
 * an unreachable webhook never breaks the request that raised the alert.
 *
 * @example
 * const ctx = { db, clock, alerts: { notify: createAlertWebhook({ url, onError: (error) => logger.warn({ err: error }, 'alert webhook failed') }) } };
 */
export function createAlertWebhook(
  options: TAlertWebhookOptions,
): (alert: TAlert) => Promise<void> {
  const url = new URL(options.url);
  const timeoutMs = options.timeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS;
  return async (alert) => {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(toAlertWebhookPayload(alert)),
        // A redirect could send the alert somewhere nobody configured.
        redirect: 'error',
        signal: AbortSignal.timeout(timeoutMs),
      });
      // Drain the body so the connection is released.
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`webhook answered HTTP ${response.status}`);
    } catch (error) {
      try {
        options.onError(error instanceof Error ? error : new Error(String(error)), alert);
      } catch {
        // A failing logger must not turn fire-and-forget into an unhandled rejection.
      }
    }
  };
}
