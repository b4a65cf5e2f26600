/** Types of the offline (no-LLM) reply engine: conversation state, input, output and actions. */
import type { Gender } from '../../../lang/names.js';
import type { Locale } from '../../knowledge/types.js';

export type Intent =
  | 'greeting'
  | 'pricing'
  | 'quote'
  | 'package_details'
  | 'package_comparison'
  | 'timeline'
  | 'process'
  | 'guarantee'
  | 'financing'
  | 'payment'
  | 'materials'
  | 'service_area'
  | 'company_contact'
  | 'booking'
  | 'human_request'
  | 'contact_details'
  | 'details_given'
  | 'privacy_request'
  | 'thanks'
  | 'goodbye'
  | 'consent_yes'
  | 'consent_no'
  | 'complaint'
  | 'out_of_scope'
  | 'abuse'
  | 'faq'
  | 'unknown';

/** A step of lead qualification, in the order set by the dialogue policy. */
export type QualificationStep =
  'areaM2' | 'packageId' | 'city' | 'firstName' | 'budgetPln' | 'consent' | 'contact';
export const QUALIFICATION_STEPS: readonly QualificationStep[] = [
  'areaM2',
  'packageId',
  'city',
  'firstName',
  'budgetPln',
  'consent',
  'contact',
];

/** The question the assistant asked last, used to read a bare answer ("50", "Michał", "tak"). */
export type PendingQuestion = QualificationStep | 'marketing' | 'booking' | null;

export interface CustomerDetails {
  /** With diacritics, as in the dictionary ("Michał"). */
  firstName: string | null;
  gender: Gender | null;
  email: string | null;
  /** E.164 ("+48600100200"). */
  phone: string | null;
  /** Dictionary form ("Gdańsk"). */
  city: string | null;
  areaM2: number | null;
  budgetPln: number | null;
  packageId: string | null;
}

export interface ConsentState {
  /** Consent to processing contact details for this enquiry; null until answered. */
  processing: boolean | null;
  /** Optional consent to marketing messages; null until answered. */
  marketing: boolean | null;
  asked: boolean;
  marketingAsked: boolean;
}

/** Everything the engine remembers between turns. Plain JSON: store it as is. */
export interface ConversationState {
  version: 1;
  locale: Locale;
  details: CustomerDetails;
  /** Qualification steps already asked: a step is asked once at most. */
  asked: QualificationStep[];
  pending: PendingQuestion;
  consent: ConsentState;
  /** Consecutive turns the engine did not understand. */
  misunderstandings: number;
  leadSaved: boolean;
  handoffOffered: boolean;
  bookingOffered: boolean;
  highValueFlagged: boolean;
  turn: number;
  lastIntent: Intent | null;
}

export interface EngineInput {
  message: string;
  /** null for a new conversation. */
  state: ConversationState | null;
  /** Language to start in when the first message does not tell (e.g. the widget's page language). */
  localeHint?: Locale;
}

/** Entities found in one message. */
export interface Entities {
  firstName?: string;
  gender?: Gender | null;
  email?: string;
  phone?: string;
  city?: string;
  areaM2?: number;
  budgetPln?: number;
  packageId?: string;
}

export interface Quote {
  packageId: string;
  areaM2: number;
  /** Whole currency units; min === max unless the package is priced as a range. */
  min: number;
  max: number;
  currency: string;
}

export type HandoffReason = 'customer_request' | 'misunderstanding' | 'angry' | 'high_value';
export type PrivacyRequestKind = 'erase' | 'export' | 'unknown';

export type EngineAction =
  /** Upsert the lead for this conversation from `state.details` and `state.consent`. */
  | { type: 'save_lead' }
  | { type: 'handoff'; reason: HandoffReason }
  | { type: 'booking_offered'; url: string }
  | { type: 'privacy_request'; kind: PrivacyRequestKind }
  | { type: 'abuse' };

export interface EngineOutput {
  text: string;
  /** Quick replies for the widget. */
  suggestions: string[];
  locale: Locale;
  intent: Intent;
  /** 0..1. */
  confidence: number;
  /** What this message contained. */
  entities: Entities;
  /** The state to store for the next turn. */
  state: ConversationState;
  quote?: Quote;
  actions: EngineAction[];
}
