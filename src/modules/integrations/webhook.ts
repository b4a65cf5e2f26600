/**
 * The generic signed webhook (Zapier, n8n, your own endpoint). Each event is a JSON POST with
 *   X-Frontdesk-Event-Id / Idempotency-Key: the event id (the same on every retry of that event),
 *   X-Frontdesk-Timestamp: Unix seconds,
 *   X-Frontdesk-Signature: sha256=<hex HMAC-SHA-256 of "<timestamp>.<body>" with WEBHOOK_SECRET>.
 * docs/integrations.md shows how a receiver verifies it.
 */
import crypto from 'node:crypto';
import { postJson } from './http.js';
import type { ProviderPolicy } from './resilience.js';

export interface WebhookSettings {
  url: string;
  secret: string;
}

export interface WebhookEvent {
  id: string;
  type: string;
  occurredAt: string;
  data: Record<string, unknown>;
}

export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${crypto.createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export interface WebhookAdapter {
  send(event: WebhookEvent): Promise<void>;
}

export function createWebhookAdapter(settings: WebhookSettings, policy: ProviderPolicy): WebhookAdapter {
  return {
    async send(event) {
      const body = JSON.stringify(event);
      await policy.execute((signal) => {
        // Signed per try: a retry carries a fresh timestamp, so receivers can refuse old ones.
        const timestamp = String(Math.floor(Date.now() / 1000));
        return postJson(
          settings.url,
          undefined,
          {
            'x-frontdesk-event-id': event.id,
            'idempotency-key': event.id,
            'x-frontdesk-timestamp': timestamp,
            'x-frontdesk-signature': signWebhook(settings.secret, timestamp, body),
          },
          signal,
          body,
        );
      });
    },
  };
}
