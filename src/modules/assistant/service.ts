/**
 * The assistant: answers a customer turn. Every turn goes through the input guard, then the offline
 * engine's understanding (entities, consent, qualification state, actions), then the chain of
 * engines that writes the reply — the primary LLM, the secondary LLM, and the offline engine, each
 * tried when the one before fails — and finally the output guard. The stored state and the actions
 * are the offline engine's (plus what the LLM's tools did), so they are consistent whichever
 * engine wrote the text.
 */
import path from 'node:path';
import type { ModelMessage } from 'ai';
import { secretValues, type Config, type LlmModelSettings } from '../../config.js';
import { detectLanguage } from '../../lang/detect-language.js';
import type { Logger } from '../../platform/logger.js';
import type { Metrics } from '../../platform/metrics.js';
import type { KnowledgeReader, Locale } from '../knowledge/types.js';
import { GuardedStream } from './guards/guarded-stream.js';
import { cleanMessage, inspectMessage } from './guards/input-guard.js';
import { contactKeys, createOutputGuard, type OutputGuard } from './guards/output-guard.js';
import { createLlmClient, type LlmClient, type LlmUsage } from './llm/client.js';
import { createAssistantMetrics, type AssistantMetrics } from './llm/metrics.js';
import {
  emptyMemory,
  estimateTokens,
  readMemory,
  RECENT_MESSAGES,
  recentWithinBudget,
  rememberTurn,
  summary,
  type HistoryMessage,
  type Memory,
} from './llm/memory.js';
import { loadPrompts, renderSystemPrompt, type AssistantPrompts } from './llm/prompts.js';
import { buildTools, type ToolEffects } from './llm/tools.js';
import {
  initialState,
  loadDialogue,
  parseConversationState,
  reply,
  type ConversationState,
  type Dialogue,
  type EngineOutput,
} from './offline/index.js';
import type { Assistant, AssistantAction, AssistantTurn, RespondOptions } from './port.js';

export async function loadAssistantDialogue(knowledgeDir: string): Promise<Dialogue> {
  return loadDialogue(path.join(knowledgeDir, 'dialogue'));
}

function detailsOf(state: ConversationState): AssistantTurn['details'] {
  return {
    firstName: state.details.firstName,
    email: state.details.email,
    phone: state.details.phone,
    city: state.details.city,
    areaM2: state.details.areaM2,
    packageId: state.details.packageId,
    budgetPln: state.details.budgetPln,
  };
}

function inServiceArea(knowledge: KnowledgeReader, state: ConversationState): boolean {
  return (
    state.details.city !== null && knowledge.snapshot().business.serviceArea.includes(state.details.city)
  );
}

/** The offline engine alone, without guards (the reply engine of tests and benchmarks). */
export function createOfflineAssistant(deps: { knowledge: KnowledgeReader; dialogue: Dialogue }): Assistant {
  return {
    async respond(input, options) {
      const out = reply(
        { message: input.message, state: parseConversationState(input.state), localeHint: input.localeHint },
        deps.knowledge,
        deps.dialogue,
      );
      options?.onStart?.({ locale: out.locale });
      options?.onDelta?.(out.text);
      return {
        text: out.text,
        suggestions: out.suggestions,
        locale: out.locale,
        intent: out.intent,
        state: out.state,
        ...(out.quote ? { quote: out.quote } : {}),
        actions: out.actions,
        engine: 'offline',
        details: detailsOf(out.state),
        consent: { processing: out.state.consent.processing, marketing: out.state.consent.marketing },
        inServiceArea: inServiceArea(deps.knowledge, out.state),
      };
    },
  };
}

export interface AssistantDeps {
  knowledge: KnowledgeReader;
  dialogue: Dialogue;
  prompts: AssistantPrompts;
  /** The LLMs in the order they are tried (empty: the offline engine writes every reply). */
  llms: LlmClient[];
  /** Values that must never reach a customer (secretValues(config): secrets, LLM keys, the canary). */
  secrets: string[];
  /** The red-team canary planted in the instructions (REDTEAM_CANARY). */
  canary?: string;
  /** Prompt budget in tokens (LLM_CONTEXT_TOKENS) and the reply's share of it (LLM_MAX_OUTPUT_TOKENS). */
  contextTokens: number;
  maxOutputTokens: number;
  maxMessageChars: number;
  metrics: AssistantMetrics;
  logger: Logger;
  /** Told of every failed LLM call, a skipped one (breaker open) included. */
  onLlmFailure?: Parameters<typeof createLlmClient>[0]['onFailure'];
}

/** Intents the offline engine answers itself, whatever LLM is configured (fixed, audited wording). */
const OFFLINE_ONLY = new Set(['abuse', 'privacy_request']);

const LANGUAGE_NAME: Record<Locale, string> = { pl: 'Polish', en: 'English' };

export function createAssistant(deps: AssistantDeps): Assistant {
  const { knowledge, prompts, metrics, logger } = deps;
  const outputGuard: OutputGuard = createOutputGuard({
    secrets: deps.secrets,
    instructions: Object.values(prompts.system),
    businessContacts: [],
  });
  let knownContacts: { version: number; keys: Set<string> } | undefined;
  /** Contact details the business publishes (business profile and knowledge entries). */
  const businessContacts = (): Set<string> => {
    const snapshot = knowledge.snapshot();
    if (knownContacts?.version !== snapshot.version) {
      const texts = [snapshot.business.email, snapshot.business.phone];
      for (const entry of snapshot.entries) texts.push(...Object.values(entry.answer));
      knownContacts = { version: snapshot.version, keys: new Set(texts.flatMap((t) => contactKeys(t))) };
    }
    return knownContacts.keys;
  };
  // States this assistant returned, already in parsed form: a conversation whose state comes back
  // unchanged from the caller's cache is not parsed and validated again (one read from the database is).
  const written = new WeakMap<object, { state: ConversationState; memory: Memory }>();
  const canaryLine = (locale: Locale) =>
    deps.canary ? prompts.safeReplies[locale].canary.replace('{value}', deps.canary) : '';

  function finish(
    out: EngineOutput,
    text: string,
    engine: string,
    extra: { effects?: ToolEffects; usage?: AssistantTurn['usage'] },
    memory: Memory,
    message: string,
    contacts: string[],
  ): AssistantTurn {
    const actions: AssistantAction[] = [...out.actions];
    for (const action of extra.effects?.actions ?? []) {
      if (!actions.some((a) => a.type === action.type)) actions.push(action);
    }
    const quote = extra.effects?.quote ?? out.quote;
    const state = out.state;
    const nextMemory = rememberTurn(memory, { intent: out.intent, contacts });
    const stored = { ...state, memory: nextMemory };
    written.set(stored, { state, memory: nextMemory });
    return {
      text,
      suggestions: out.suggestions,
      locale: out.locale,
      intent: out.intent,
      state: stored,
      ...(quote ? { quote } : {}),
      actions,
      engine,
      details: detailsOf(state),
      consent: { processing: state.consent.processing, marketing: state.consent.marketing },
      inServiceArea: inServiceArea(knowledge, state),
      ...(extra.usage ? { usage: extra.usage } : {}),
    };
  }

  /** A turn stopped by the input guard: nothing of it reaches the engines or the lead. */
  function refuse(
    previous: ConversationState | null,
    memory: Memory,
    message: string,
    localeHint: Locale | undefined,
    options: RespondOptions | undefined,
  ): AssistantTurn {
    const fallback = previous?.locale ?? localeHint ?? deps.dialogue.policy.defaultLocale;
    const guess = detectLanguage(message, fallback);
    const locale = previous ? previous.locale : guess.confident ? guess.locale : fallback;
    const state = previous
      ? (JSON.parse(JSON.stringify(previous)) as ConversationState)
      : initialState(locale);
    state.turn += 1;
    state.pending = null;
    state.lastIntent = 'abuse';
    const text = prompts.safeReplies[locale].input;
    options?.onStart?.({ locale });
    options?.onDelta?.(text);
    return {
      text,
      suggestions: [],
      locale,
      intent: 'abuse',
      // The attack is not remembered, and the transcript marks the turn with the engine 'guard', so
      // the history an LLM reads later leaves it out.
      state: { ...state, memory },
      actions: [{ type: 'abuse' }],
      engine: 'guard',
      details: detailsOf(state),
      consent: { processing: state.consent.processing, marketing: state.consent.marketing },
      inServiceArea: inServiceArea(knowledge, state),
    };
  }

  function systemPrompt(out: EngineOutput, memory: Memory, message: string): string {
    const locale = out.locale;
    const snapshot = knowledge.snapshot();
    const base = renderSystemPrompt(prompts.system[locale], snapshot, locale, canaryLine(locale));
    const hits = knowledge.search(message, locale, 3);
    const context = [
      `Reply in ${LANGUAGE_NAME[locale]}.`,
      hits.length > 0
        ? `Knowledge relevant to the customer's message:\n${hits.map((h) => `Q: ${h.question}\nA: ${h.answer}`).join('\n\n')}`
        : '',
      summary(detailsOf(out.state), out.state.consent.processing, memory, locale),
      `A correct reply prepared by the rule engine (rephrase it naturally; keep every fact, amount and link; ` +
        `if it asks the customer a question, ask that question too):\n${out.text}`,
    ].filter((s) => s.length > 0);
    return `${base}\n\n---\n${context.join('\n\n')}`;
  }

  async function writeWithLlm(
    out: EngineOutput,
    memory: Memory,
    message: string,
    earlier: HistoryMessage[],
    allowedContacts: () => Set<string>,
    options: RespondOptions | undefined,
  ): Promise<
    | {
        text: string;
        engine: string;
        effects: ToolEffects;
        usage: AssistantTurn['usage'];
        state: ConversationState;
      }
    | { failed: true; shown: boolean }
  > {
    const system = systemPrompt(out, memory, message);
    const budget =
      deps.contextTokens - deps.maxOutputTokens - estimateTokens(system) - estimateTokens(message);
    const history: ModelMessage[] = recentWithinBudget(earlier, Math.max(0, budget)).map((m) => ({
      role: m.role,
      content: m.text,
    }));
    const messages: ModelMessage[] = [...history, { role: 'user', content: message }];
    let shown = false;
    for (const [index, llm] of deps.llms.entries()) {
      const next = deps.llms[index + 1]?.slot ?? 'offline';
      if (!llm.isAvailable()) {
        metrics.calls.inc({ provider: llm.slot, model: llm.model, outcome: 'rejected' });
        metrics.errors.inc({ provider: llm.slot, kind: 'breaker_open' });
        deps.onLlmFailure?.({ provider: llm.slot, model: llm.model, kind: 'breaker_open' });
        metrics.fallbacks.inc({ from: llm.slot, to: next });
        continue;
      }
      // Tools of a failed attempt leave no trace: each attempt works on its own copy.
      const state = JSON.parse(JSON.stringify(out.state)) as ConversationState;
      const effects: ToolEffects = { actions: [] };
      const stream = options?.onDelta
        ? new GuardedStream(outputGuard, allowedContacts, (text) => {
            shown = true;
            options.onDelta?.(text);
          })
        : undefined;
      try {
        const result = await llm.call({
          system,
          messages,
          tools: buildTools({ knowledge, locale: out.locale, state, effects, metrics }),
          ...(stream ? { onDelta: (delta: string) => stream.push(delta) } : {}),
        });
        stream?.end();
        const usage: LlmUsage & { model: string } = {
          tokensIn: result.tokensIn,
          tokensOut: result.tokensOut,
          costUsd: result.costUsd,
          model: result.model,
        };
        return { text: result.text, engine: `llm-${llm.slot}`, effects, usage, state };
      } catch {
        metrics.fallbacks.inc({ from: llm.slot, to: next });
      }
    }
    return { failed: true, shown };
  }

  return {
    async respond(input, options) {
      const message = cleanMessage(input.message, deps.maxMessageChars);
      const known =
        typeof input.state === 'object' && input.state !== null ? written.get(input.state) : undefined;
      const memory = known?.memory ?? (input.state ? readMemory(input.state) : emptyMemory());
      const previous = known ? known.state : parseConversationState(input.state);

      const verdict = inspectMessage(message);
      if (verdict.attack) {
        for (const category of verdict.categories) metrics.inputBlocked.inc({ category });
        logger.warn(
          { guard: 'input', patterns: verdict.patterns, score: verdict.score },
          'customer message stopped by the input guard',
        );
        return refuse(previous, memory, message, input.localeHint, options);
      }

      const out = reply({ message, state: previous, localeHint: input.localeHint }, knowledge, deps.dialogue);
      const contacts = contactKeys(message);
      // What the customer gave: this message, earlier turns, and the details on record.
      const recorded = [
        out.state.details.email,
        out.state.details.phone,
        previous?.details.email,
        previous?.details.phone,
      ]
        .filter((v): v is string => typeof v === 'string')
        .flatMap((v) => contactKeys(v));
      const allowedContacts = () =>
        new Set([...businessContacts(), ...memory.contacts, ...contacts, ...recorded]);
      options?.onStart?.({ locale: out.locale });

      let text = out.text;
      let engine = 'offline';
      let extra: { effects?: ToolEffects; usage?: AssistantTurn['usage'] } = {};
      let streamed = false;
      if (deps.llms.length > 0 && !OFFLINE_ONLY.has(out.intent)) {
        const earlier = (await input.history?.(RECENT_MESSAGES)) ?? [];
        const written = await writeWithLlm(out, memory, message, earlier, allowedContacts, options);
        if ('failed' in written) {
          streamed = written.shown;
          if (written.shown) options?.onDelta?.('\n\n');
        } else {
          text = written.text;
          engine = written.engine;
          extra = { effects: written.effects, usage: written.usage };
          out.state = written.state;
          streamed = true;
        }
      }

      const checked = outputGuard.check(text, allowedContacts);
      if (!checked.ok) {
        for (const problem of checked.problems) metrics.outputBlocked.inc({ engine, problem });
        logger.warn(
          { guard: 'output', engine, problems: checked.problems },
          'reply withheld by the output guard',
        );
        text = prompts.safeReplies[out.locale].output;
        if (streamed) options?.onDelta?.('\n\n');
        options?.onDelta?.(text);
      } else {
        text = checked.text;
        if (!streamed || engine === 'offline') options?.onDelta?.(text);
      }
      return finish(out, text, engine, extra, memory, message, contacts);
    },
  };
}

/** The assistant as the configuration describes it: guards, the configured LLMs, the offline engine. */
export async function createConfiguredAssistant(deps: {
  config: Config;
  knowledge: KnowledgeReader;
  metrics: Metrics;
  logger: Logger;
  /** Overrides the configured LLMs (compare-models runs one model at a time). */
  llmModels?: Array<{ slot: string; model: LlmModelSettings }>;
  /** Reuses metrics already registered (several assistants on one registry). */
  assistantMetrics?: AssistantMetrics;
  /** Told of every failed LLM call (the failure log behind the dashboard). */
  onLlmFailure?: Parameters<typeof createLlmClient>[0]['onFailure'];
}): Promise<Assistant> {
  const { config, logger } = deps;
  const metrics = deps.assistantMetrics ?? createAssistantMetrics(deps.metrics);
  const models =
    deps.llmModels ??
    [
      { slot: 'primary', model: config.llm.primary },
      { slot: 'secondary', model: config.llm.secondary },
    ].filter((m): m is { slot: string; model: LlmModelSettings } => m.model !== undefined);
  const llms = models.map((m) =>
    createLlmClient({
      slot: m.slot,
      model: m.model,
      settings: config.llm,
      metrics,
      logger,
      onFailure: deps.onLlmFailure,
    }),
  );
  if (llms.length > 0) {
    logger.info(
      { llms: models.map((m) => ({ slot: m.slot, provider: m.model.provider, model: m.model.model })) },
      'assistant: LLM engine on, the offline engine answers when it fails',
    );
  }
  return createAssistant({
    knowledge: deps.knowledge,
    dialogue: await loadAssistantDialogue(config.knowledge.dir),
    prompts: loadPrompts(config.knowledge.dir),
    llms,
    secrets: secretValues(config),
    ...(config.redteamCanary ? { canary: config.redteamCanary } : {}),
    contextTokens: config.llm.contextTokens,
    maxOutputTokens: config.llm.maxOutputTokens,
    maxMessageChars: config.chat.messageMaxChars,
    metrics,
    logger,
    onLlmFailure: deps.onLlmFailure,
  });
}
