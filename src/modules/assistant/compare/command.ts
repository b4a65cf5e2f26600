/** `frontdesk compare-models`: runs the conversation scenarios against several models and writes a table. */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { Config, LlmModelSettings } from '../../../config.js';
import type { Logger } from '../../../platform/logger.js';
import { createKnowledgeService } from '../../knowledge/service.js';
import { comparisonMarkdown, compareModels, type ModelUnderTest } from './runner.js';
import { loadScenarios } from './scenario-format.js';

export const COMPARE_USAGE = `Usage: frontdesk compare-models --models a,b,… [--scenarios DIR] [--out DIR]
                              [--provider openai-compatible|anthropic] [--base-url URL]
       frontdesk compare-models --models-file models.json [--scenarios DIR] [--out DIR]

Plays every conversation scenario (default: tests/scenarios) against each model and writes
compare-models.md and compare-models.json to --out (default: the current directory): pass rate, turn
latency p50/p95, tokens and cost per conversation (prices from LLM_PRICES).

  --models a,b        model names on one endpoint: LLM_PROVIDER / LLM_BASE_URL / LLM_API_KEY, or
                      --provider / --base-url
  --models-file FILE  JSON: [{"name", "provider", "baseUrl", "model"}, …] for models on different
                      endpoints (the API key is LLM_API_KEY)`;

const modelsFileSchema = z
  .array(
    z.strictObject({
      name: z.string().min(1).max(100).optional(),
      provider: z.enum(['openai-compatible', 'anthropic']),
      baseUrl: z.url().optional(),
      model: z.string().min(1).max(200),
    }),
  )
  .min(1);

export interface CompareIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export async function runCompareCommand(
  config: Config,
  argv: string[],
  io: CompareIo,
  logger: Logger,
): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        models: { type: 'string' },
        'models-file': { type: 'string' },
        scenarios: { type: 'string' },
        out: { type: 'string' },
        provider: { type: 'string' },
        'base-url': { type: 'string' },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    }));
  } catch (err) {
    io.stderr.write(`${(err as Error).message}\n\n${COMPARE_USAGE}\n`);
    return 2;
  }
  if (values.help) {
    io.stdout.write(`${COMPARE_USAGE}\n`);
    return 0;
  }
  const apiKey = config.llm.primary?.apiKey;
  let models: ModelUnderTest[];
  if (values['models-file']) {
    let parsed;
    try {
      parsed = modelsFileSchema.safeParse(JSON.parse(fs.readFileSync(values['models-file'], 'utf8')));
    } catch (err) {
      io.stderr.write(`cannot read ${values['models-file']}: ${(err as Error).message}\n`);
      return 2;
    }
    if (!parsed.success) {
      io.stderr.write(
        `${values['models-file']}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}\n`,
      );
      return 2;
    }
    models = parsed.data.map((m) => ({
      name: m.name ?? m.model,
      settings: { provider: m.provider, baseUrl: m.baseUrl?.replace(/\/+$/, ''), model: m.model, apiKey },
    }));
  } else if (values.models) {
    const provider = (values.provider ?? config.llm.primary?.provider) as
      LlmModelSettings['provider'] | undefined;
    const baseUrl = values['base-url'] ?? config.llm.primary?.baseUrl;
    if (provider !== 'openai-compatible' && provider !== 'anthropic') {
      io.stderr.write('--provider (or LLM_PROVIDER) must be openai-compatible or anthropic\n');
      return 2;
    }
    if (provider === 'openai-compatible' && !baseUrl) {
      io.stderr.write('--base-url (or LLM_BASE_URL) is required for openai-compatible models\n');
      return 2;
    }
    models = values.models
      .split(',')
      .map((m) => m.trim())
      .filter((m) => m.length > 0)
      .map((model) => ({
        name: model,
        settings: { provider, baseUrl: baseUrl?.replace(/\/+$/, ''), model, apiKey },
      }));
  } else {
    io.stderr.write(`--models or --models-file is required\n\n${COMPARE_USAGE}\n`);
    return 2;
  }
  if (models.length === 0 || new Set(models.map((m) => m.name)).size !== models.length) {
    io.stderr.write('give at least one model, each name once\n');
    return 2;
  }
  const scenariosDir = path.resolve(config.rootDir, values.scenarios ?? 'tests/scenarios');
  const outDir = path.resolve(values.out ?? '.');
  const scenarios = loadScenarios(scenariosDir);
  const knowledge = await createKnowledgeService({ dir: config.knowledge.dir, watch: false });
  try {
    const results = await compareModels({
      config,
      knowledge,
      models,
      scenarios,
      logger,
      onProgress: (line) => io.stderr.write(`${line}\n`),
    });
    const markdown = comparisonMarkdown(results);
    fs.mkdirSync(outDir, { recursive: true });
    fs.writeFileSync(path.join(outDir, 'compare-models.md'), `${markdown}\n`);
    fs.writeFileSync(
      path.join(outDir, 'compare-models.json'),
      `${JSON.stringify({ scenariosDir, models: results }, null, 2)}\n`,
    );
    io.stdout.write(`${markdown}\n`);
    return 0;
  } finally {
    await knowledge.close();
  }
}
