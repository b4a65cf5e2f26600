/**
 * compare-models against the local fake provider with two "models" that answer differently: one
 * writes the rule engine's prepared reply (it should pass the scenarios), the other answers
 * vaguely with more tokens (it should not).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { runCompareCommand } from '../../src/modules/assistant/compare/command.js';
import { createLogger } from '../../src/platform/logger.js';
import { ROOT } from '../helpers/database.js';
import { startFakeLlmServer, type FakeLlmServer } from './fake-llm-server.js';

let fake: FakeLlmServer;
let outDir: string;
beforeAll(async () => {
  fake = await startFakeLlmServer();
  outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'frontdesk-compare-'));
});
afterAll(async () => {
  await fake?.close();
  fs.rmSync(outDir, { recursive: true, force: true });
});

describe('frontdesk compare-models', () => {
  it(
    'writes a markdown and JSON table of pass rate, latency, tokens and cost per model',
    { timeout: 180_000 },
    async () => {
      const config = loadConfig(
        {
          LLM_PROVIDER: 'openai-compatible',
          LLM_BASE_URL: fake.url,
          LLM_MODEL: 'model-a',
          LLM_PRICES: '{"model-a":{"input":0.5,"output":1.5},"model-b":{"input":3,"output":15}}',
          KNOWLEDGE_WATCH: 'false',
        },
        ROOT,
      );
      const stdout = new PassThrough();
      let printed = '';
      stdout.on('data', (c: Buffer) => (printed += c.toString()));
      const code = await runCompareCommand(
        config,
        ['--models', 'model-a,model-b', '--out', outDir],
        { stdout, stderr: new PassThrough() },
        createLogger({ level: 'silent', pretty: false, service: 'test' }),
      );
      expect(code).toBe(0);
      const report = JSON.parse(fs.readFileSync(path.join(outDir, 'compare-models.json'), 'utf8')) as {
        models: Array<{
          model: string;
          passRate: number;
          scenarios: number;
          turns: number;
          fallbackTurns: number;
          latencyP50Ms: number;
          latencyP95Ms: number;
          tokensInPerConversation: number;
          costUsdPerConversation: number;
        }>;
      };
      const [a, b] = report.models;
      expect(a?.model).toBe('model-a');
      expect(b?.model).toBe('model-b');
      expect(a!.scenarios).toBeGreaterThan(10);
      expect(a!.passRate).toBeGreaterThan(0.8);
      expect(b!.passRate).toBeLessThan(a!.passRate);
      expect(a!.fallbackTurns).toBe(0);
      expect(a!.latencyP95Ms).toBeGreaterThanOrEqual(a!.latencyP50Ms);
      expect(b!.tokensInPerConversation).toBeGreaterThan(a!.tokensInPerConversation);
      expect(b!.costUsdPerConversation).toBeGreaterThan(a!.costUsdPerConversation);
      expect(a!.costUsdPerConversation).toBeGreaterThan(0);
      const markdown = fs.readFileSync(path.join(outDir, 'compare-models.md'), 'utf8');
      expect(markdown).toMatch(/^\| model \| provider \| pass rate/);
      expect(markdown).toContain('| model-a | openai-compatible |');
      expect(printed).toContain('| model-b |');
      // Both models were really asked.
      expect(fake.requests.some((r) => r.model === 'model-b')).toBe(true);
    },
  );

  it('refuses a call without models', async () => {
    const err = new PassThrough();
    let text = '';
    err.on('data', (c: Buffer) => (text += c.toString()));
    const code = await runCompareCommand(
      loadConfig({}, ROOT),
      [],
      { stdout: new PassThrough(), stderr: err },
      createLogger({ level: 'silent', pretty: false, service: 'test' }),
    );
    expect(code).toBe(2);
    expect(text).toContain('--models');
  });
});
