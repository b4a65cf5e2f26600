/**
 * Model comparison: plays every conversation scenario (tests/scenarios/*.yaml) against each model
 * through the same assistant the chat uses (guards, the offline understanding, tools, fallback),
 * and measures what a business chooses a model by: the share of scenarios passed, the latency of a
 * turn (p50/p95), and tokens and cost per conversation.
 */
import { performance } from 'node:perf_hooks';
import type { Config, LlmModelSettings } from '../../../config.js';
import type { Logger } from '../../../platform/logger.js';
import { createMetrics } from '../../../platform/metrics.js';
import type { KnowledgeReader } from '../../knowledge/types.js';
import { createAssistantMetrics } from '../llm/metrics.js';
import type { AssistantTurn } from '../port.js';
import { createConfiguredAssistant } from '../service.js';
import { checkTurn, loadQuestionWording, type ObservedLead, type ObservedTurn } from './scenario-checks.js';
import type { Scenario } from './scenario-format.js';

export interface ModelUnderTest {
  /** How the model is named in the report. */
  name: string;
  settings: LlmModelSettings;
}

export interface ModelResult {
  model: string;
  provider: string;
  scenarios: number;
  passed: number;
  passRate: number;
  turns: number;
  /** Turns the model did not write (it failed and the next engine answered). */
  fallbackTurns: number;
  latencyP50Ms: number;
  latencyP95Ms: number;
  tokensInPerConversation: number;
  tokensOutPerConversation: number;
  costUsdPerConversation: number;
  failures: Array<{ scenario: string; turn: number; problems: string[] }>;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? 0;
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

function leadOf(turn: AssistantTurn): ObservedLead {
  return {
    firstName: turn.details.firstName,
    email: turn.details.email,
    phone: turn.details.phone,
    city: turn.details.city,
    areaM2: turn.details.areaM2,
    packageId: turn.details.packageId,
    processingConsent: turn.consent.processing === true,
    marketingConsent: turn.consent.marketing === true,
  };
}

export async function compareModels(options: {
  config: Config;
  knowledge: KnowledgeReader;
  models: ModelUnderTest[];
  scenarios: Scenario[];
  logger: Logger;
  onProgress?: (line: string) => void;
}): Promise<ModelResult[]> {
  const wording = loadQuestionWording(options.config.knowledge.dir);
  const metrics = createMetrics();
  const assistantMetrics = createAssistantMetrics(metrics);
  const results: ModelResult[] = [];
  const scenarios = options.scenarios.filter((s) => !s.skip);
  for (const model of options.models) {
    const assistant = await createConfiguredAssistant({
      config: options.config,
      knowledge: options.knowledge,
      metrics,
      assistantMetrics,
      logger: options.logger,
      llmModels: [{ slot: model.name, model: model.settings }],
    });
    const latencies: number[] = [];
    let passed = 0;
    let turns = 0;
    let fallbackTurns = 0;
    let tokensIn = 0;
    let tokensOut = 0;
    let cost = 0;
    const failures: ModelResult['failures'] = [];
    for (const scenario of scenarios) {
      let state: unknown = null;
      let lead: ObservedLead | null = null;
      let ok = true;
      for (const [index, step] of scenario.turns.entries()) {
        const started = performance.now();
        const turn = await assistant.respond({
          message: step.say,
          state,
          ...(scenario.locale ? { localeHint: scenario.locale } : {}),
        });
        latencies.push(performance.now() - started);
        turns += 1;
        // The guard and the offline-only intents (abuse, privacy requests) never go to a model.
        if (turn.engine === 'offline' && !['abuse', 'privacy_request'].includes(turn.intent))
          fallbackTurns += 1;
        tokensIn += turn.usage?.tokensIn ?? 0;
        tokensOut += turn.usage?.tokensOut ?? 0;
        cost += turn.usage?.costUsd ?? 0;
        state = turn.state;
        if (turn.actions.some((a) => a.type === 'save_lead') && turn.consent.processing === true)
          lead = leadOf(turn);
        const stored = turn.state as { pending?: string | null; details?: Record<string, unknown> };
        const handoff = turn.actions.find((a) => a.type === 'handoff');
        const observed: ObservedTurn = {
          locale: turn.locale,
          text: turn.text,
          suggestions: turn.suggestions,
          quote: turn.quote ?? null,
          handoff: handoff && handoff.type === 'handoff' ? handoff.reason : null,
          pending: stored.pending ?? null,
          details: stored.details ?? {},
          lead,
        };
        const problems = checkTurn(step.expect ?? {}, observed, wording);
        if (problems.length > 0) {
          ok = false;
          failures.push({ scenario: scenario.name, turn: index + 1, problems });
        }
      }
      if (ok) passed += 1;
    }
    latencies.sort((a, b) => a - b);
    const conversations = Math.max(1, scenarios.length);
    const result: ModelResult = {
      model: model.name,
      provider: model.settings.provider,
      scenarios: scenarios.length,
      passed,
      passRate: round(scenarios.length === 0 ? 0 : passed / scenarios.length, 4),
      turns,
      fallbackTurns,
      latencyP50Ms: round(percentile(latencies, 50), 1),
      latencyP95Ms: round(percentile(latencies, 95), 1),
      tokensInPerConversation: round(tokensIn / conversations, 1),
      tokensOutPerConversation: round(tokensOut / conversations, 1),
      costUsdPerConversation: round(cost / conversations, 6),
      failures,
    };
    results.push(result);
    options.onProgress?.(`${model.name}: ${passed}/${scenarios.length} scenarios passed`);
  }
  return results;
}

/** The comparison as a markdown table. */
export function comparisonMarkdown(results: ModelResult[]): string {
  const lines = [
    '| model | provider | pass rate | scenarios | p50 turn (ms) | p95 turn (ms) | tokens in / conv. | tokens out / conv. | cost / conv. (USD) | fallback turns |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...results.map(
      (r) =>
        `| ${r.model} | ${r.provider} | ${(r.passRate * 100).toFixed(1)}% | ${r.passed}/${r.scenarios} | ${r.latencyP50Ms} | ${r.latencyP95Ms} | ${r.tokensInPerConversation} | ${r.tokensOutPerConversation} | ${r.costUsdPerConversation.toFixed(6)} | ${r.fallbackTurns}/${r.turns} |`,
    ),
  ];
  return lines.join('\n');
}
