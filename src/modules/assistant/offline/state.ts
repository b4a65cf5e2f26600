/** Creating and validating the stored conversation state. */
import { z } from 'zod';
import { LOCALES, type Locale } from '../../knowledge/types.js';
import { QUALIFICATION_STEPS, type ConversationState } from './types.js';

/** The state of a conversation before its first message. */
export function initialState(locale: Locale): ConversationState {
  return {
    version: 1,
    locale,
    details: {
      firstName: null,
      gender: null,
      email: null,
      phone: null,
      city: null,
      areaM2: null,
      budgetPln: null,
      packageId: null,
    },
    asked: [],
    pending: null,
    consent: { processing: null, marketing: null, asked: false, marketingAsked: false },
    misunderstandings: 0,
    leadSaved: false,
    handoffOffered: false,
    bookingOffered: false,
    highValueFlagged: false,
    turn: 0,
    lastIntent: null,
  };
}

const step = z.enum(QUALIFICATION_STEPS as [string, ...string[]]);
const nullableString = z.string().max(320).nullable();

const conversationStateSchema = z.object({
  version: z.literal(1),
  locale: z.enum(LOCALES as [Locale, ...Locale[]]),
  details: z.object({
    firstName: nullableString,
    gender: z.enum(['male', 'female']).nullable(),
    email: nullableString,
    phone: nullableString,
    city: nullableString,
    areaM2: z.number().positive().nullable(),
    budgetPln: z.number().positive().nullable(),
    packageId: nullableString,
  }),
  asked: z.array(step),
  pending: z.union([step, z.enum(['marketing', 'booking']), z.null()]),
  consent: z.object({
    processing: z.boolean().nullable(),
    marketing: z.boolean().nullable(),
    asked: z.boolean(),
    marketingAsked: z.boolean(),
  }),
  misunderstandings: z.number().int().min(0),
  leadSaved: z.boolean(),
  handoffOffered: z.boolean(),
  bookingOffered: z.boolean(),
  highValueFlagged: z.boolean(),
  turn: z.number().int().min(0),
  lastIntent: z.string().nullable(),
});

/**
 * Reads a stored state back. Returns null when it is missing or not a valid state of this version, in which
 * case the conversation simply continues as a new one.
 */
export function parseConversationState(value: unknown): ConversationState | null {
  const parsed = conversationStateSchema.safeParse(value);
  return parsed.success ? (parsed.data as ConversationState) : null;
}
