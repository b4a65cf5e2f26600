/**
 * The offline reply engine: answers from the knowledge base, quotes prices, qualifies the lead one question
 * at a time, asks for consent before keeping contact details, and hands over to a human when needed — with
 * no LLM. Pure and deterministic: the same conversation always gets the same replies.
 */
import { detectLanguage } from '../../../lang/detect-language.js';
import { formatArea, formatMoney } from '../../../lang/numbers.js';
import { stripInvisible } from '../../../lang/text.js';
import { addressForm } from '../../../lang/vocative.js';
import type { KnowledgeReader, KnowledgeSnapshot, Locale, Package } from '../../knowledge/types.js';
import {
  render,
  type AskKey,
  type Dialogue,
  type Template,
  type TemplateKey,
  type TemplateVars,
} from './dialogue.js';
import { extractEntities } from './entities.js';
import { classifyIntent, privacyKind } from './intents.js';
import { initialState } from './state.js';
import type {
  ConversationState,
  CustomerDetails,
  EngineAction,
  EngineInput,
  EngineOutput,
  Intent,
  PendingQuestion,
  QualificationStep,
  Quote,
} from './types.js';

/** Intents after which the assistant moves qualification forward with its next question. */
const FOLLOW_UP: ReadonlySet<Intent> = new Set<Intent>([
  'pricing',
  'quote',
  'package_details',
  'package_comparison',
  'timeline',
  'process',
  'guarantee',
  'financing',
  'payment',
  'materials',
  'service_area',
  'company_contact',
  'contact_details',
  'details_given',
  'consent_yes',
  'consent_no',
  'faq',
]);

/** Intents whose message must not feed the lead (an e-mail in a data-deletion request is not a lead). */
const NO_DETAILS: ReadonlySet<Intent> = new Set<Intent>(['abuse', 'privacy_request']);

/** A copy the turn may change (every nested part of the state is copied). */
function cloneState(state: ConversationState): ConversationState {
  return {
    ...state,
    details: { ...state.details },
    asked: [...state.asked],
    consent: { ...state.consent },
  };
}

/** m² × price per m², in whole currency units. */
export function computeQuote(pkg: Package, areaM2: number): Quote {
  return {
    packageId: pkg.id,
    areaM2,
    min: Math.round(areaM2 * pkg.pricePerM2.min),
    max: Math.round(areaM2 * pkg.pricePerM2.max),
    currency: pkg.pricePerM2.currency,
  };
}

class Turn {
  readonly parts: string[] = [];
  readonly actions: EngineAction[] = [];
  quote: Quote | undefined;
  quoted = false;
  suggestions: string[] | null = null;

  constructor(
    readonly state: ConversationState,
    readonly snapshot: KnowledgeSnapshot,
    readonly kb: KnowledgeReader,
    readonly dialogue: Dialogue,
    readonly message: string,
  ) {}

  get locale(): Locale {
    return this.state.locale;
  }

  /** The customer is addressed by name at most once per reply. */
  private addressed = false;

  private vars(extra: TemplateVars, template: Template): TemplateVars {
    const { business } = this.snapshot;
    const { firstName, gender } = this.state.details;
    const vars: TemplateVars = {
      business: business.name,
      phone: business.phone,
      email: business.email,
      bookingUrl: business.bookingUrl,
      firstName: firstName ?? '',
      ...extra,
    };
    if (typeof template !== 'string' && firstName && !this.addressed) {
      const address = addressForm(firstName, gender, this.locale);
      if (address) {
        vars.name = address;
        this.addressed = true;
      }
    }
    return vars;
  }

  text(key: TemplateKey, extra: TemplateVars = {}): string {
    const template = this.dialogue.locales[this.locale].templates[key];
    return render(template, this.vars(extra, template));
  }

  askText(key: AskKey): string {
    const template = this.dialogue.locales[this.locale].ask[key];
    return render(template, this.vars({}, template));
  }

  say(text: string | null | undefined): void {
    if (text && text.trim().length > 0) this.parts.push(text.trim());
  }

  money(min: number, max: number, currency: string): string {
    const low = formatMoney(min, this.locale, currency);
    if (min === max) return low;
    return this.text('priceRange', { min: low, max: formatMoney(max, this.locale, currency) });
  }

  packagePrice(pkg: Package): string {
    return this.money(pkg.pricePerM2.min, pkg.pricePerM2.max, pkg.pricePerM2.currency);
  }

  packageById(id: string | null | undefined): Package | undefined {
    return id ? this.kb.findPackage(id) : undefined;
  }

  /** The answer of a knowledge topic, picking the entry closest to the question when there are several. */
  topicAnswer(topic: string): string | null {
    const entries = this.kb.entriesByTopic(topic);
    if (entries.length === 0) return null;
    if (entries.length > 1) {
      const hit = this.kb.search(this.message, this.locale, 5).find((h) => h.topic === topic);
      if (hit) return hit.answer;
    }
    return entries[0]?.answer[this.locale] ?? null;
  }

  priceList(): void {
    const lines = this.snapshot.packages.map((pkg) =>
      this.text('priceListLine', { package: pkg.name, price: this.packagePrice(pkg) }),
    );
    this.say([this.text('priceListIntro'), ...lines].join('\n'));
  }

  comparison(): void {
    const lines = this.snapshot.packages.map((pkg) =>
      this.text('packageComparisonLine', {
        package: pkg.name,
        price: this.packagePrice(pkg),
        summary: pkg.summary[this.locale],
      }),
    );
    this.say([this.text('packageComparisonIntro'), ...lines].join('\n'));
  }

  packageDetails(pkg: Package): void {
    this.say(
      this.text('packageDetails', {
        package: pkg.name,
        price: this.packagePrice(pkg),
        summary: pkg.summary[this.locale],
        includes: pkg.includes[this.locale].join(', '),
      }),
    );
    this.duration(pkg);
  }

  duration(pkg: Package): void {
    const weeks = pkg.durationWeeks;
    if (!weeks) return;
    this.say(
      this.text('packageDuration', {
        weeks: weeks.min === weeks.max ? weeks.min : `${weeks.min}–${weeks.max}`,
      }),
    );
  }

  /** Quotes the chosen package, or every package when none is chosen (as the policy says). */
  quoteNow(): void {
    const area = this.state.details.areaM2;
    if (area === null || this.quoted) return;
    const pkg = this.packageById(this.state.details.packageId);
    const areaText = formatArea(area, this.locale);
    if (pkg) {
      const quote = computeQuote(pkg, area);
      this.quote = quote;
      this.say(
        this.text('quote', {
          area: areaText,
          package: pkg.name,
          amount: this.money(quote.min, quote.max, quote.currency),
        }),
      );
    } else if (this.dialogue.policy.quoteAllPackagesWhenNoneChosen && this.snapshot.packages.length > 0) {
      const lines = this.snapshot.packages.map((p) => {
        const q = computeQuote(p, area);
        return this.text('quoteAllLine', { package: p.name, amount: this.money(q.min, q.max, q.currency) });
      });
      this.say([this.text('quoteAllIntro', { area: areaText }), ...lines].join('\n'));
    } else {
      return;
    }
    this.quoted = true;
    this.say(this.text('quoteNote'));
    this.checkHighValue();
  }

  /** The lowest amount the customer is looking at, for the high-value rule. */
  private lowestQuote(): number | null {
    if (this.quote) return this.quote.min;
    const area = this.state.details.areaM2;
    if (area === null || !this.quoted) return null;
    const amounts = this.snapshot.packages.map((p) => computeQuote(p, area).min);
    return amounts.length > 0 ? Math.min(...amounts) : null;
  }

  checkHighValue(): void {
    if (this.state.highValueFlagged) return;
    const { highValue } = this.dialogue.policy;
    const quote = this.lowestQuote();
    const budget = this.state.details.budgetPln;
    if (
      (quote !== null && quote >= highValue.quoteMinPln) ||
      (budget !== null && budget >= highValue.budgetMinPln)
    ) {
      this.state.highValueFlagged = true;
      this.actions.push({ type: 'handoff', reason: 'high_value' });
      this.say(this.text('highValue'));
    }
  }

  handoff(reason: 'customer_request' | 'misunderstanding' | 'angry', key: TemplateKey): void {
    this.state.handoffOffered = true;
    this.actions.push({ type: 'handoff', reason });
    this.say(this.text(key));
    this.suggestions = [];
  }

  offerBooking(): void {
    const url = this.snapshot.business.bookingUrl;
    this.state.bookingOffered = true;
    this.actions.push({ type: 'booking_offered', url });
    this.say(this.text('booking'));
  }

  cityAck(city: string): void {
    const served = this.snapshot.business.serviceArea.some(
      (c) => c.localeCompare(city, 'pl', { sensitivity: 'base' }) === 0,
    );
    this.say(this.text(served ? 'cityServed' : 'cityNotServed', { city }));
  }

  joined(): string {
    let out = '';
    let previous = '';
    for (const part of this.parts) {
      if (out.length > 0) out += previous.includes('\n') || part.includes('\n') ? '\n' : ' ';
      out += part;
      previous = part;
    }
    return out;
  }
}

/** The next qualification question, or the booking offer once everything is known. */
function nextStep(state: ConversationState, dialogue: Dialogue, contactJustGiven: boolean): AskKey | null {
  const d = state.details;
  const hasContact = d.email !== null || d.phone !== null;
  if (hasContact && state.consent.processing === null && (!state.consent.asked || contactJustGiven))
    return 'consent';
  for (const step of dialogue.policy.qualificationOrder) {
    if (step === 'consent') {
      if (state.consent.processing === null && !state.consent.asked) return 'consent';
    } else if (step === 'contact') {
      if (!hasContact && state.consent.processing === true && !state.asked.includes('contact'))
        return 'contact';
    } else if (d[step] === null && !state.asked.includes(step)) {
      return step;
    }
  }
  if (state.leadSaved && !state.consent.marketingAsked) return 'marketing';
  if (!state.bookingOffered) return 'booking';
  return null;
}

function markAsked(state: ConversationState, key: AskKey): void {
  state.pending = key;
  if (key === 'consent') state.consent.asked = true;
  else if (key === 'marketing') state.consent.marketingAsked = true;
  else if (key === 'booking') state.bookingOffered = true;
  if (key !== 'marketing' && key !== 'booking' && !state.asked.includes(key as QualificationStep)) {
    state.asked.push(key as QualificationStep);
  }
}

/**
 * Replies to one customer message. `input.state` is the state returned by the previous turn (null for a new
 * conversation); store `output.state` for the next one and carry out `output.actions`.
 */
export function reply(input: EngineInput, kb: KnowledgeReader, dialogue: Dialogue): EngineOutput {
  const { policy } = dialogue;
  const snapshot = kb.snapshot();
  const state = input.state
    ? cloneState(input.state)
    : initialState(input.localeHint ?? policy.defaultLocale);
  state.turn += 1;
  const message = stripInvisible(input.message).slice(0, policy.maxMessageChars).trim();

  const guess = detectLanguage(message, state.locale);
  if (guess.confident) state.locale = guess.locale;

  const pending = state.pending;
  state.pending = null;
  const entities = extractEntities(message, snapshot.packages, pending);
  const classified = classifyIntent(message, { pending, entities, locale: state.locale });
  let intent: Intent = classified.intent;
  let confidence = classified.confidence;
  const turn = new Turn(state, snapshot, kb, dialogue, message);

  // Take every detail the message gives; a new value replaces an old one (the customer corrects it).
  const newly = new Set<keyof CustomerDetails>();
  if (!NO_DETAILS.has(intent)) {
    const set = <K extends keyof CustomerDetails>(key: K, value: CustomerDetails[K] | undefined): void => {
      if (value === undefined || value === null || state.details[key] === value) return;
      state.details[key] = value;
      newly.add(key);
    };
    set('areaM2', entities.areaM2);
    // Naming packages to compare them is not choosing one.
    if (intent !== 'package_comparison') set('packageId', entities.packageId);
    set('city', entities.city);
    set('budgetPln', entities.budgetPln);
    set('email', entities.email);
    set('phone', entities.phone);
    if (entities.firstName !== undefined) {
      set('firstName', entities.firstName);
      state.details.gender = entities.gender ?? null;
    }
  }
  const contactJustGiven = newly.has('email') || newly.has('phone');
  if (contactJustGiven && state.consent.processing === false) {
    // Contact details offered after a refusal: ask again rather than keep or drop them silently.
    state.consent.processing = null;
    state.consent.asked = false;
  }

  let followUp = FOLLOW_UP.has(intent);
  let forceAsk: AskKey | null = null;
  let consentJustGiven = false;
  let marketingChanged = false;

  switch (intent) {
    case 'abuse':
      turn.actions.push({ type: 'abuse' });
      turn.say(turn.text('abuse'));
      turn.suggestions = [];
      break;
    case 'privacy_request': {
      const kind = privacyKind(message);
      turn.actions.push({ type: 'privacy_request', kind });
      turn.say(
        turn.text(kind === 'erase' ? 'privacyErase' : kind === 'export' ? 'privacyExport' : 'privacyUnknown'),
      );
      turn.suggestions = [];
      break;
    }
    case 'complaint':
      turn.handoff('angry', 'handoffAngry');
      break;
    case 'human_request':
      turn.handoff('customer_request', 'handoffCustomer');
      break;
    case 'out_of_scope':
      turn.say(turn.text('outOfScope'));
      break;
    case 'greeting':
      turn.say(state.turn === 1 ? turn.text('greeting') : turn.text('greetingAgain'));
      break;
    case 'thanks':
      turn.say(turn.text('thanks'));
      break;
    case 'goodbye':
      turn.say(turn.text('goodbye'));
      turn.suggestions = [];
      break;
    case 'consent_yes':
    case 'consent_no': {
      const yes = intent === 'consent_yes';
      if (pending === 'consent') {
        state.consent.processing = yes;
        state.consent.asked = true;
        if (yes) {
          consentJustGiven = true;
        } else {
          state.details.email = null;
          state.details.phone = null;
          turn.say(turn.text('consentNo'));
        }
      } else if (pending === 'marketing') {
        marketingChanged = state.consent.marketing !== yes;
        state.consent.marketing = yes;
        state.consent.marketingAsked = true;
        turn.say(turn.text(yes ? 'marketingYes' : 'marketingNo'));
      } else if (pending === 'booking') {
        followUp = false;
        if (yes) turn.offerBooking();
        else turn.say(turn.text('declined'));
      } else if (!yes && pending !== null) {
        turn.say(turn.text('declined'));
      }
      break;
    }
    case 'pricing':
    case 'quote': {
      const pkg = turn.packageById(entities.packageId ?? state.details.packageId);
      if (state.details.areaM2 !== null) {
        intent = 'quote';
        turn.quoteNow();
      } else {
        if (pkg && entities.packageId)
          turn.say(turn.text('packagePrice', { package: pkg.name, price: turn.packagePrice(pkg) }));
        else turn.priceList();
        forceAsk = 'areaM2';
      }
      break;
    }
    case 'package_details': {
      const pkg = turn.packageById(entities.packageId ?? state.details.packageId);
      if (pkg) {
        turn.packageDetails(pkg);
        turn.quoteNow();
      } else {
        intent = 'package_comparison';
        turn.comparison();
      }
      break;
    }
    case 'package_comparison':
      turn.comparison();
      break;
    case 'booking': {
      turn.offerBooking();
      followUp = false;
      break;
    }
    case 'service_area':
      if (!entities.city) {
        const topic = policy.intentTopics.service_area;
        const answer = topic ? turn.topicAnswer(topic) : null;
        turn.say(
          answer ?? turn.text('serviceAreaList', { cities: snapshot.business.serviceArea.join(', ') }),
        );
      }
      break;
    case 'company_contact': {
      const topic = policy.intentTopics.company_contact;
      turn.say((topic ? turn.topicAnswer(topic) : null) ?? turn.text('companyContact'));
      break;
    }
    case 'timeline':
    case 'process':
    case 'guarantee':
    case 'financing':
    case 'payment':
    case 'materials': {
      const topic = policy.intentTopics[intent];
      const answer = topic ? turn.topicAnswer(topic) : null;
      const pkg = turn.packageById(entities.packageId ?? state.details.packageId);
      if (answer) turn.say(answer);
      if (intent === 'timeline' && pkg) turn.duration(pkg);
      if (turn.parts.length === 0) turn.say(turn.text('topicFallback'));
      break;
    }
    case 'details_given':
    case 'contact_details':
      if (newly.has('packageId') && state.details.areaM2 === null) {
        const pkg = turn.packageById(state.details.packageId);
        if (pkg) turn.say(turn.text('packagePrice', { package: pkg.name, price: turn.packagePrice(pkg) }));
      }
      break;
    case 'faq':
    case 'unknown': {
      const hit = message.length > 0 ? kb.search(message, state.locale, 3)[0] : undefined;
      if (hit && hit.score >= policy.searchMinScore) {
        intent = 'faq';
        confidence = 0.6;
        followUp = true;
        turn.say(hit.answer);
      } else {
        intent = 'unknown';
        state.misunderstandings += 1;
        if (state.misunderstandings >= policy.misunderstandingsBeforeHandoff) {
          state.misunderstandings = 0;
          turn.handoff('misunderstanding', 'handoffMisunderstanding');
        } else {
          turn.say(turn.text('misunderstood'));
          turn.suggestions = dialogue.locales[state.locale].suggestions.misunderstood;
        }
      }
      break;
    }
    default:
      break;
  }
  if (intent !== 'unknown') state.misunderstandings = 0;

  const engaged = !['abuse', 'privacy_request', 'complaint', 'human_request', 'out_of_scope'].includes(
    intent,
  );
  if (engaged) {
    // New details move the conversation on: a new area or package gives a quote, a new city an answer.
    if (newly.has('areaM2') || (newly.has('packageId') && state.details.areaM2 !== null)) turn.quoteNow();
    if (newly.has('city') && state.details.city) turn.cityAck(state.details.city);
    if (newly.has('budgetPln')) turn.checkHighValue();
  }

  // Consent and contact together make a lead; later changes update it.
  const hasContact = state.details.email !== null || state.details.phone !== null;
  if (state.consent.processing === true && hasContact) {
    if (!state.leadSaved) {
      state.leadSaved = true;
      turn.actions.push({ type: 'save_lead' });
      turn.say(turn.text('leadSaved'));
      followUp = intent !== 'goodbye';
    } else if (newly.size > 0 || marketingChanged) {
      turn.actions.push({ type: 'save_lead' });
    }
  } else if (consentJustGiven) {
    turn.say(turn.text('consentYes'));
  } else if (state.leadSaved && marketingChanged) {
    turn.actions.push({ type: 'save_lead' });
  }

  // Prefixes: a greeting in the first message, and a thank-you for the name.
  const prefixes: string[] = [];
  if (classified.greeting && intent !== 'greeting' && state.turn === 1)
    prefixes.push(turn.text('greetingShort'));
  if (newly.has('firstName') && engaged) prefixes.push(turn.text('nameAck'));
  turn.parts.unshift(...prefixes);

  if (followUp) {
    const step = forceAsk ?? nextStep(state, dialogue, contactJustGiven);
    if (step) {
      if (turn.parts.length === 0) turn.say(turn.text('ack'));
      markAsked(state, step);
      turn.say(turn.askText(step));
    }
  }
  if (turn.parts.length === 0) turn.say(turn.text('misunderstood'));

  state.lastIntent = intent;
  const lang = dialogue.locales[state.locale];
  let suggestions = turn.suggestions;
  if (suggestions === null) {
    switch (state.pending as PendingQuestion) {
      case 'consent':
        suggestions = lang.suggestions.consent;
        break;
      case 'marketing':
        suggestions = lang.suggestions.marketing;
        break;
      case 'booking':
        suggestions = lang.suggestions.booking;
        break;
      case 'areaM2':
        suggestions = lang.suggestions.area;
        break;
      case 'packageId':
        suggestions = snapshot.packages.map((p) => p.name);
        break;
      default:
        suggestions = turn.quoted
          ? lang.suggestions.afterQuote
          : intent === 'greeting' || intent === 'out_of_scope'
            ? lang.suggestions.start
            : lang.suggestions.afterAnswer;
    }
  }

  const output: EngineOutput = {
    text: turn.joined(),
    suggestions: [...suggestions],
    locale: state.locale,
    intent,
    confidence,
    entities,
    state,
    actions: turn.actions,
  };
  if (turn.quote) output.quote = turn.quote;
  return output;
}
