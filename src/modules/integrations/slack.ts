/** Slack incoming webhook: the hot-lead alert. It carries no contact details, only a link to the lead. */
import { postJson } from './http.js';
import type { ProviderPolicy } from './resilience.js';

export interface SlackAdapter {
  post(message: { text: string }): Promise<void>;
}

export function createSlackAdapter(webhookUrl: string, policy: ProviderPolicy): SlackAdapter {
  return {
    async post(message) {
      await policy.execute((signal) => postJson(webhookUrl, message, {}, signal));
    },
  };
}
