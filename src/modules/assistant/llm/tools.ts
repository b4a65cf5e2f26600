/**
 * The tools the LLM may call: the same capabilities as the offline engine. Arguments are validated
 * by their zod schemas (the SDK refuses a call whose arguments do not match) and so are results.
 * Tools change the turn only through `effects` and the conversation state, so the stored state and
 * actions are the same whichever engine wrote the reply.
 */
import { tool, type ToolSet } from 'ai';
import { z } from 'zod';
import type { KnowledgeReader, Locale } from '../../knowledge/types.js';
import { computeQuote, type ConversationState } from '../offline/index.js';
import type { AssistantAction, AssistantQuote } from '../port.js';
import { hoursText } from './prompts.js';
import type { AssistantMetrics } from './metrics.js';

export interface ToolEffects {
  actions: AssistantAction[];
  quote?: AssistantQuote;
}

export interface ToolContext {
  knowledge: KnowledgeReader;
  locale: Locale;
  /** The conversation state after this turn's understanding; tools may update it. */
  state: ConversationState;
  effects: ToolEffects;
  metrics: AssistantMetrics;
}

const checked = <T extends z.ZodType>(
  schema: T,
  name: string,
  metrics: AssistantMetrics,
  value: z.input<T>,
) => {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    metrics.toolCalls.inc({ tool: name, outcome: 'invalid' });
    return { error: 'internal_result_invalid' } as const;
  }
  return parsed.data as z.output<T>;
};

const searchResult = z.object({
  results: z.array(z.object({ question: z.string(), answer: z.string() })).max(5),
});
const quoteResult = z.union([
  z.object({
    package: z.string(),
    areaM2: z.number(),
    min: z.number(),
    max: z.number(),
    currency: z.string(),
  }),
  z.object({ error: z.string(), knownPackages: z.array(z.string()) }),
]);
const leadResult = z.object({ saved: z.boolean(), reason: z.string().optional() });
const bookingResult = z.object({ url: z.string() });
const handoffResult = z.object({ handedOff: z.boolean() });
const hoursResult = z.object({
  hours: z.string(),
  timezone: z.string(),
  phone: z.string(),
  email: z.string(),
});

export function buildTools(ctx: ToolContext): ToolSet {
  const { knowledge, metrics, state, effects } = ctx;
  const ok = (name: string) => metrics.toolCalls.inc({ tool: name, outcome: 'ok' });
  return {
    search_knowledge: tool({
      description: "Search the company's knowledge base (FAQ and topics) for facts to answer the customer.",
      inputSchema: z.object({ query: z.string().min(1).max(300) }),
      execute: async ({ query }) => {
        ok('search_knowledge');
        const hits = knowledge.search(query, ctx.locale, 3);
        return checked(searchResult, 'search_knowledge', metrics, {
          results: hits.map((h) => ({ question: h.question, answer: h.answer })),
        });
      },
    }),
    quote_price: tool({
      description:
        'Compute the price of a finishing package for a flat of the given area (m²). Use package ids from the price list.',
      inputSchema: z.object({
        packageId: z.string().min(1).max(60),
        areaM2: z.number().positive().max(10_000),
      }),
      execute: async ({ packageId, areaM2 }) => {
        const pkg =
          knowledge.findPackage(packageId) ??
          knowledge.snapshot().packages.find((p) => p.name.toLowerCase() === packageId.toLowerCase());
        if (!pkg) {
          metrics.toolCalls.inc({ tool: 'quote_price', outcome: 'refused' });
          return checked(quoteResult, 'quote_price', metrics, {
            error: 'unknown_package',
            knownPackages: knowledge.snapshot().packages.map((p) => p.id),
          });
        }
        ok('quote_price');
        const quote = computeQuote(pkg, areaM2);
        effects.quote = quote;
        return checked(quoteResult, 'quote_price', metrics, {
          package: pkg.name,
          areaM2,
          min: quote.min,
          max: quote.max,
          currency: quote.currency,
        });
      },
    }),
    save_lead: tool({
      description:
        "Save the customer's enquiry for a callback. Works only after the customer has given contact details and agreed to their processing in this conversation.",
      inputSchema: z.object({}),
      execute: async () => {
        const hasContact = state.details.email !== null || state.details.phone !== null;
        if (state.consent.processing !== true || !hasContact) {
          metrics.toolCalls.inc({ tool: 'save_lead', outcome: 'refused' });
          return checked(leadResult, 'save_lead', metrics, {
            saved: false,
            reason: state.consent.processing !== true ? 'consent_required' : 'contact_missing',
          });
        }
        ok('save_lead');
        state.leadSaved = true;
        if (!effects.actions.some((a) => a.type === 'save_lead')) effects.actions.push({ type: 'save_lead' });
        return checked(leadResult, 'save_lead', metrics, { saved: true });
      },
    }),
    book_consultation: tool({
      description: 'Offer the free consultation: returns the booking link to give the customer.',
      inputSchema: z.object({}),
      execute: async () => {
        ok('book_consultation');
        const url = knowledge.snapshot().business.bookingUrl;
        state.bookingOffered = true;
        if (!effects.actions.some((a) => a.type === 'booking_offered')) {
          effects.actions.push({ type: 'booking_offered', url });
        }
        return checked(bookingResult, 'book_consultation', metrics, { url });
      },
    }),
    request_human: tool({
      description:
        'Hand the conversation to a member of staff (the customer asks for a person, or you cannot help).',
      inputSchema: z.object({ reason: z.enum(['customer_request', 'misunderstanding', 'angry']).optional() }),
      execute: async ({ reason }) => {
        ok('request_human');
        state.handoffOffered = true;
        if (!effects.actions.some((a) => a.type === 'handoff')) {
          effects.actions.push({ type: 'handoff', reason: reason ?? 'customer_request' });
        }
        return checked(handoffResult, 'request_human', metrics, { handedOff: true });
      },
    }),
    business_hours: tool({
      description: "The company's opening hours and contact details.",
      inputSchema: z.object({}),
      execute: async () => {
        ok('business_hours');
        const snapshot = knowledge.snapshot();
        return checked(hoursResult, 'business_hours', metrics, {
          hours: hoursText(snapshot, ctx.locale),
          timezone: snapshot.business.timezone,
          phone: snapshot.business.phone,
          email: snapshot.business.email,
        });
      },
    }),
  };
}
