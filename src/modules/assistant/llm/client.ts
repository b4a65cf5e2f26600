/**
 * One LLM endpoint behind the resilience policy every outbound call has: a timeout for the whole
 * reply and for its first token, quick retries of retryable failures (429, 5xx, network) while
 * nothing has been shown to the customer yet, and a circuit breaker. Every call is measured.
 */
import { performance } from 'node:perf_hooks';
import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import {
  APICallError,
  InvalidResponseDataError,
  JSONParseError,
  NoOutputGeneratedError,
  stepCountIs,
  streamText,
  TypeValidationError,
  type LanguageModel,
  type ModelMessage,
  type ToolSet,
} from 'ai';
import { BrokenCircuitError, ExponentialBackoff, handleWhen, retry, wrap } from 'cockatiel';
import { observedBreaker } from '../../../platform/breaker.js';
import type { LlmModelSettings, LlmPrices, LlmSettings } from '../../../config.js';
import type { Logger } from '../../../platform/logger.js';
import type { AssistantMetrics } from './metrics.js';

export type LlmErrorKind =
  | 'rate_limited'
  | 'server'
  | 'client'
  | 'network'
  | 'timeout'
  | 'first_token_timeout'
  | 'malformed'
  | 'empty'
  | 'breaker_open'
  | 'unknown';

export class LlmCallError extends Error {
  override name = 'LlmCallError';
  constructor(
    readonly kind: LlmErrorKind,
    readonly retryable: boolean,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface LlmCallRequest {
  system: string;
  messages: ModelMessage[];
  tools: ToolSet;
  /** Text as it is generated (deltas). */
  onDelta?: (text: string) => void;
}

export interface LlmUsage {
  tokensIn: number;
  tokensOut: number;
  costUsd: number;
}

export interface LlmCallResult extends LlmUsage {
  text: string;
  model: string;
  slot: string;
}

export interface LlmClient {
  /** primary, secondary, or a name given by compare-models. */
  readonly slot: string;
  readonly model: string;
  call(request: LlmCallRequest): Promise<LlmCallResult>;
  /** False while the breaker is open and not yet due for a trial call. */
  isAvailable(): boolean;
}

export function createLanguageModel(settings: LlmModelSettings): LanguageModel {
  if (settings.provider === 'anthropic') {
    return createAnthropic({
      apiKey: settings.apiKey,
      ...(settings.baseUrl ? { baseURL: settings.baseUrl } : {}),
    })(settings.model);
  }
  return createOpenAICompatible({
    name: 'frontdesk-llm',
    baseURL: settings.baseUrl ?? '',
    ...(settings.apiKey ? { apiKey: settings.apiKey } : {}),
    includeUsage: true,
  }).chatModel(settings.model);
}

export function costUsd(prices: LlmPrices, model: string, tokensIn: number, tokensOut: number): number {
  const price = prices[model];
  if (!price) return 0;
  return (tokensIn * price.input + tokensOut * price.output) / 1_000_000;
}

function classify(err: unknown): LlmCallError {
  if (err instanceof LlmCallError) return err;
  if (APICallError.isInstance(err)) {
    const status = err.statusCode;
    if (status === undefined) return new LlmCallError('network', true, 'the model could not be reached');
    if (status === 429)
      return new LlmCallError('rate_limited', true, 'the model is rate limited (429)', status);
    if (status === 408) return new LlmCallError('timeout', true, 'the model timed out (408)', status);
    if (status >= 500) return new LlmCallError('server', true, `the model failed (${status})`, status);
    return new LlmCallError('client', false, `the model refused the request (${status})`, status);
  }
  if (
    JSONParseError.isInstance(err) ||
    TypeValidationError.isInstance(err) ||
    InvalidResponseDataError.isInstance(err) ||
    NoOutputGeneratedError.isInstance(err)
  ) {
    return new LlmCallError('malformed', false, 'the model sent a malformed response');
  }
  if (err instanceof TypeError && /fetch|network|socket/i.test(err.message)) {
    return new LlmCallError('network', true, 'the model could not be reached');
  }
  return new LlmCallError(
    'unknown',
    false,
    err instanceof Error ? err.message.slice(0, 200) : 'unknown failure',
  );
}

export interface LlmClientOptions {
  slot: string;
  model: LlmModelSettings;
  settings: Pick<
    LlmSettings,
    | 'timeoutMs'
    | 'firstTokenTimeoutMs'
    | 'maxToolSteps'
    | 'maxOutputTokens'
    | 'retries'
    | 'breakerFailures'
    | 'breakerHalfOpenMs'
    | 'prices'
  >;
  metrics: AssistantMetrics;
  logger: Logger;
  /** For tests: a ready model instead of one built from the settings. */
  languageModel?: LanguageModel;
  /** Told of every failed call (the failure log behind the dashboard); must not throw. */
  onFailure?: (failure: { provider: string; model: string; kind: LlmErrorKind; status?: number }) => void;
}

export function createLlmClient(options: LlmClientOptions): LlmClient {
  const { slot, settings, metrics, logger } = options;
  const modelName = options.model.model;
  const languageModel = options.languageModel ?? createLanguageModel(options.model);
  const labels = { provider: slot, model: modelName };

  const breaker = observedBreaker(
    (err) => err instanceof LlmCallError,
    { failures: settings.breakerFailures, halfOpenAfterMs: settings.breakerHalfOpenMs },
    {
      state: (value) => metrics.breakerState.set({ provider: slot }, value),
      opened: () => {
        metrics.breakerTrips.inc({ provider: slot });
        logger.warn(
          { llm: slot, model: modelName },
          'LLM circuit breaker opened: its turns go to the next engine',
        );
      },
      closed: () => logger.info({ llm: slot, model: modelName }, 'LLM circuit breaker closed'),
    },
  );

  async function attempt(request: LlmCallRequest, shown: { any: boolean }): Promise<LlmCallResult> {
    const controller = new AbortController();
    let stopped: 'timeout' | 'first_token_timeout' | undefined;
    const whole = setTimeout(() => {
      stopped = 'timeout';
      controller.abort();
    }, settings.timeoutMs);
    let firstTimer: NodeJS.Timeout | undefined = setTimeout(() => {
      stopped = 'first_token_timeout';
      controller.abort();
    }, settings.firstTokenTimeoutMs);
    const started = performance.now();
    const endTimer = metrics.latency.startTimer(labels);
    const answered = () => {
      if (firstTimer === undefined) return;
      clearTimeout(firstTimer);
      firstTimer = undefined;
      metrics.firstToken.observe(labels, (performance.now() - started) / 1000);
    };
    let text = '';
    let startedStep = false;
    let tokensIn = 0;
    let tokensOut = 0;
    try {
      const result = streamText({
        model: languageModel,
        system: request.system,
        messages: request.messages,
        tools: request.tools,
        stopWhen: stepCountIs(settings.maxToolSteps),
        maxOutputTokens: settings.maxOutputTokens,
        maxRetries: 0,
        abortSignal: controller.signal,
        onError: () => undefined,
      });
      for await (const part of result.fullStream) {
        switch (part.type) {
          case 'text-delta': {
            if (part.text.length === 0) break;
            answered();
            let delta = part.text;
            if (text.length > 0 && startedStep && !/\s$/.test(text) && !/^\s/.test(delta))
              delta = ` ${delta}`;
            startedStep = false;
            text += delta;
            shown.any = true;
            request.onDelta?.(delta);
            break;
          }
          case 'start-step':
            startedStep = true;
            break;
          case 'tool-input-start':
          case 'tool-call':
          case 'reasoning-delta':
            answered();
            break;
          case 'finish-step':
            tokensIn += part.usage.inputTokens ?? 0;
            tokensOut += part.usage.outputTokens ?? 0;
            break;
          case 'error':
            throw part.error;
          case 'abort':
            throw new LlmCallError(stopped ?? 'timeout', false, 'the reply was stopped');
          default:
            break;
        }
      }
      if (stopped) throw new LlmCallError(stopped, false, 'the reply was stopped');
      text = text.trim();
      if (text.length === 0) throw new LlmCallError('empty', false, 'the model wrote no text');
      const cost = costUsd(settings.prices, modelName, tokensIn, tokensOut);
      metrics.calls.inc({ ...labels, outcome: 'ok' });
      metrics.tokens.inc({ ...labels, direction: 'input' }, tokensIn);
      metrics.tokens.inc({ ...labels, direction: 'output' }, tokensOut);
      if (cost > 0) metrics.cost.inc(labels, cost);
      return { text, tokensIn, tokensOut, costUsd: cost, model: modelName, slot };
    } catch (err) {
      const failure = stopped ? new LlmCallError(stopped, false, 'the reply took too long') : classify(err);
      const timedOut = failure.kind === 'timeout' || failure.kind === 'first_token_timeout';
      metrics.calls.inc({ ...labels, outcome: timedOut ? 'timeout' : 'error' });
      metrics.errors.inc({ provider: slot, kind: failure.kind });
      options.onFailure?.({ provider: slot, model: modelName, kind: failure.kind, status: failure.status });
      if (timedOut) {
        metrics.timeouts.inc({ provider: slot, kind: failure.kind === 'timeout' ? 'whole' : 'first_token' });
      }
      // Tokens were spent even when the reply failed.
      if (tokensIn + tokensOut > 0) {
        metrics.tokens.inc({ ...labels, direction: 'input' }, tokensIn);
        metrics.tokens.inc({ ...labels, direction: 'output' }, tokensOut);
      }
      logger.warn(
        { llm: slot, model: modelName, kind: failure.kind, status: failure.status },
        'LLM call failed',
      );
      throw failure;
    } finally {
      clearTimeout(whole);
      if (firstTimer) clearTimeout(firstTimer);
      endTimer();
    }
  }
  return {
    slot,
    model: modelName,
    async call(request) {
      const shown = { any: false };
      const retries = retry(
        handleWhen((err) => err instanceof LlmCallError && err.retryable && !shown.any),
        {
          maxAttempts: settings.retries,
          backoff: new ExponentialBackoff({ initialDelay: 100, maxDelay: 1_000 }),
        },
      );
      try {
        return await wrap(retries, breaker.policy).execute(() => attempt(request, shown));
      } catch (err) {
        if (err instanceof BrokenCircuitError) {
          metrics.calls.inc({ ...labels, outcome: 'rejected' });
          metrics.errors.inc({ provider: slot, kind: 'breaker_open' });
          options.onFailure?.({ provider: slot, model: modelName, kind: 'breaker_open' });
          throw new LlmCallError('breaker_open', false, 'the circuit breaker is open');
        }
        throw err;
      }
    },
    isAvailable: () => breaker.isAvailable(),
  };
}
