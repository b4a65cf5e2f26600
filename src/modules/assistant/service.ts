/**
 * The assistant: answers a customer turn. Today the offline engine answers every turn; the LLM
 * engine, when configured, sits in front of it and falls back to it.
 */
import path from 'node:path';
import type { KnowledgeReader } from '../knowledge/types.js';
import { loadDialogue, parseConversationState, reply, type Dialogue } from './offline/index.js';
import type { Assistant } from './port.js';

export async function loadAssistantDialogue(knowledgeDir: string): Promise<Dialogue> {
  return loadDialogue(path.join(knowledgeDir, 'dialogue'));
}

export function createOfflineAssistant(deps: { knowledge: KnowledgeReader; dialogue: Dialogue }): Assistant {
  return {
    async respond(input) {
      const out = reply(
        { message: input.message, state: parseConversationState(input.state), localeHint: input.localeHint },
        deps.knowledge,
        deps.dialogue,
      );
      return {
        text: out.text,
        suggestions: out.suggestions,
        locale: out.locale,
        intent: out.intent,
        state: out.state,
        ...(out.quote ? { quote: out.quote } : {}),
        actions: out.actions,
        engine: 'offline',
        details: {
          firstName: out.state.details.firstName,
          email: out.state.details.email,
          phone: out.state.details.phone,
          city: out.state.details.city,
          areaM2: out.state.details.areaM2,
          packageId: out.state.details.packageId,
          budgetPln: out.state.details.budgetPln,
        },
        consent: { processing: out.state.consent.processing, marketing: out.state.consent.marketing },
        inServiceArea:
          out.state.details.city !== null &&
          deps.knowledge.snapshot().business.serviceArea.includes(out.state.details.city),
      };
    },
  };
}
