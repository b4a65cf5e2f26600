/**
 * Conversation scenarios: every tests/scenarios/*.yaml conversation is played against the real application
 * through the public chat API, one conversation per scenario, and every expectation is checked against the
 * reply and against what the application stored (conversation state, leads). Format: docs/scenarios.md.
 *
 * Scenarios marked `skip` are reported as skipped; SCENARIOS_RUN_SKIPPED=1 runs them too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import {
  checkTurn,
  loadQuestionWording,
  type ObservedLead,
  type ObservedQuote,
  type ObservedTurn,
  type QuestionWording,
} from './scenario-checks.js';
import { loadScenarios, type Scenario } from './scenario-format.js';

const scenarios = loadScenarios(import.meta.dirname);
const runSkipped = process.env.SCENARIOS_RUN_SKIPPED === '1';

interface ChatReply {
  sessionId: string;
  sessionSecret?: string;
  locale: string;
  reply: { text: string; suggestions?: string[] };
  quote?: ObservedQuote;
  handoff?: { reason: string };
}

let server: TestServer;
let wording: QuestionWording;

beforeAll(async () => {
  server = await startTestServer();
  wording = loadQuestionWording(server.runtime.config.knowledge.dir);
});

afterAll(async () => {
  await server?.close();
});

class Conversation {
  private sessionId: string | undefined;
  private secret: string | undefined;

  constructor(private readonly locale: Scenario['locale']) {}

  async send(message: string): Promise<ChatReply> {
    const res = await fetch(`${server.url}/api/v1/chat`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(this.secret ? { 'x-session-secret': this.secret } : {}),
      },
      body: JSON.stringify({
        message,
        ...(this.sessionId ? { sessionId: this.sessionId } : {}),
        ...(this.locale ? { locale: this.locale } : {}),
      }),
    });
    const body = (await res.json()) as ChatReply;
    if (res.status !== 200) {
      throw new Error(
        `POST /api/v1/chat answered ${res.status} to ${JSON.stringify(message)}: ${JSON.stringify(body)}`,
      );
    }
    this.sessionId = body.sessionId;
    this.secret = body.sessionSecret ?? this.secret;
    return body;
  }

  async storedState(): Promise<{ pending: string | null; details: Record<string, unknown> }> {
    const rows = await server.runtime.db.query<{ state: { pending?: string | null; details?: object } }>(
      'SELECT state FROM chat_sessions WHERE id = $1',
      [this.sessionId],
    );
    const state = rows[0]?.state;
    if (!state) throw new Error(`no stored conversation state for session ${this.sessionId}`);
    return { pending: state.pending ?? null, details: (state.details ?? {}) as Record<string, unknown> };
  }

  async storedLead(): Promise<ObservedLead | null> {
    const rows = await server.runtime.db.query<ObservedLead>(
      `SELECT first_name AS "firstName", email, phone, city, area_m2 AS "areaM2", package_id AS "packageId",
              processing_consent AS "processingConsent", marketing_consent AS "marketingConsent"
         FROM leads WHERE session_id = $1 AND deleted_at IS NULL`,
      [this.sessionId],
    );
    return rows[0] ?? null;
  }
}

function describeTurn(turn: ObservedTurn): string {
  const facts = [
    `pending question: ${turn.pending ?? 'none'}`,
    `quote: ${turn.quote ? JSON.stringify(turn.quote) : 'none'}`,
    `handoff: ${turn.handoff ?? 'none'}`,
  ];
  if (turn.lead !== undefined) facts.push(`lead: ${turn.lead ? JSON.stringify(turn.lead) : 'none'}`);
  return facts.join('; ');
}

/** Plays a scenario as one new conversation; checks each turn and returns what the assistant replied. */
async function play(scenario: Scenario): Promise<string[]> {
  const conversation = new Conversation(scenario.locale);
  const transcript: string[] = [];
  for (const [index, step] of scenario.turns.entries()) {
    const response = await conversation.send(step.say);
    const state = await conversation.storedState();
    const expectation = step.expect ?? {};
    const turn: ObservedTurn = {
      locale: response.locale,
      text: response.reply.text,
      suggestions: response.reply.suggestions ?? [],
      quote: response.quote ?? null,
      handoff: response.handoff?.reason ?? null,
      pending: state.pending,
      details: state.details,
    };
    if (expectation.leadStored !== undefined || expectation.lead !== undefined) {
      turn.lead = await conversation.storedLead();
    }
    transcript.push(
      JSON.stringify([turn.locale, turn.text, turn.suggestions, turn.quote, turn.handoff, turn.pending]),
    );
    const failures = checkTurn(expectation, turn, wording);
    if (failures.length > 0) {
      expect.fail(
        [
          `scenario "${scenario.name}" (${scenario.file}), turn ${index + 1} of ${scenario.turns.length}`,
          `  customer:  ${JSON.stringify(step.say)}`,
          `  assistant [${turn.locale}]: ${JSON.stringify(turn.text)}`,
          `  ${describeTurn(turn)}`,
          ...failures.map((f) => `  ✗ ${f}`),
        ].join('\n'),
      );
    }
  }
  return transcript;
}

for (const file of [...new Set(scenarios.map((s) => s.file))]) {
  describe(file, () => {
    for (const scenario of scenarios.filter((s) => s.file === file)) {
      if (scenario.skip && !runSkipped) {
        it.skip(`${scenario.name} (skipped: ${scenario.skip})`, () => undefined);
        continue;
      }
      it(scenario.name, async () => {
        const first = await play(scenario);
        if (!scenario.runTwice) return;
        const second = await play(scenario);
        const differs = first.findIndex((reply, i) => reply !== second[i]);
        if (differs >= 0) {
          expect.fail(
            [
              `scenario "${scenario.name}" (${scenario.file}): the same conversation got a different reply ` +
                `at turn ${differs + 1}`,
              `  customer: ${JSON.stringify(scenario.turns[differs]?.say)}`,
              `  first run:  ${first[differs]}`,
              `  second run: ${second[differs]}`,
            ].join('\n'),
          );
        }
      });
    }
  });
}
