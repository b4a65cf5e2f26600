/** What the chat service asks of the assistant, whichever engine answers. */
import type { Locale } from '../knowledge/types.js';

export interface AssistantQuote {
  packageId: string;
  areaM2: number;
  min: number;
  max: number;
  currency: string;
}

export type AssistantAction =
  | { type: 'save_lead' }
  | { type: 'handoff'; reason: string }
  | { type: 'booking_offered'; url: string }
  | { type: 'privacy_request'; kind: string }
  | { type: 'abuse' };

export interface AssistantTurnInput {
  message: string;
  /** The conversation state the assistant returned last turn (null for a new conversation). */
  state: unknown;
  localeHint?: Locale;
  /**
   * The conversation's last `limit` messages before this one, oldest first, without turns the input
   * guard stopped. Read only when an LLM writes the reply.
   */
  history?: (limit: number) => Promise<Array<{ role: 'user' | 'assistant'; text: string }>>;
}

/** What the customer has told us so far (the assistant keeps it in its state). */
export interface CustomerDetails {
  firstName: string | null;
  email: string | null;
  phone: string | null;
  city: string | null;
  areaM2: number | null;
  packageId: string | null;
  budgetPln: number | null;
}

export interface AssistantTurn {
  text: string;
  suggestions: string[];
  locale: Locale;
  intent: string;
  state: unknown;
  quote?: AssistantQuote;
  actions: AssistantAction[];
  engine: string;
  details: CustomerDetails;
  consent: { processing: boolean | null; marketing: boolean | null };
  /** The customer's city is one the business serves. */
  inServiceArea: boolean;
  /** Tokens and cost of the LLM calls of this turn (absent when no LLM answered). */
  usage?: AssistantUsage;
}

export interface AssistantUsage {
  tokensIn: number;
  tokensOut: number;
  costUsd: number;
  model: string;
}

/** Streaming of a reply, for callers that show it as it is written. */
export interface RespondOptions {
  /** Called once, when the reply's language is known and before any text. */
  onStart?(info: { locale: Locale }): void;
  /**
   * Reply text as it is written, already checked by the output guard. The turn's `text` is the
   * final reply and may differ (an engine failed midway and the next one answered).
   */
  onDelta?(text: string): void;
}

export interface Assistant {
  respond(input: AssistantTurnInput, options?: RespondOptions): Promise<AssistantTurn>;
}
