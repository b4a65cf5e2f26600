/** `frontdesk redteam`: runs the red-team corpus against a deployment and prints a pass/fail table. */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Config } from '../../../config.js';
import { formatReport, runRedteam } from './runner.js';

export const REDTEAM_USAGE = `Usage: frontdesk redteam --url <base URL> [--canary VALUE …] [--json] [--require-answers]
                         [--spam N] [--prompts DIR] [--timeout-ms N]

Plays the built-in attack corpus (injection, extraction, role-play, secret fishing, canary, obfuscation,
HTML, other customers' data; Polish, English, Russian, Ukrainian) through the public chat API, then a
burst of N messages (default 40; 0: none). Exits 1 when any check fails.

  --canary VALUE      a value planted in the deployment (REDTEAM_CANARY); repeatable. Default: REDTEAM_CANARY
  --prompts DIR       the deployment's instruction files, to catch verbatim leaks (default: KNOWLEDGE_DIR/prompts)
  --require-answers   count 403/429 refusals as failures (for a test deployment with limits off)
  --json              print the report as JSON`;

export interface CommandIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export function readInstructionFiles(dir: string): string[] {
  try {
    return fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.md'))
      .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'));
  } catch {
    return [];
  }
}

export async function runRedteamCommand(config: Config, argv: string[], io: CommandIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        url: { type: 'string' },
        canary: { type: 'string', multiple: true },
        json: { type: 'boolean', default: false },
        'require-answers': { type: 'boolean', default: false },
        spam: { type: 'string' },
        prompts: { type: 'string' },
        'timeout-ms': { type: 'string' },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    }));
  } catch (err) {
    io.stderr.write(`${(err as Error).message}\n\n${REDTEAM_USAGE}\n`);
    return 2;
  }
  if (values.help) {
    io.stdout.write(`${REDTEAM_USAGE}\n`);
    return 0;
  }
  if (!values.url || !/^https?:\/\//.test(values.url)) {
    io.stderr.write(`--url is required (http://… or https://…)\n\n${REDTEAM_USAGE}\n`);
    return 2;
  }
  const spam = values.spam === undefined ? 40 : Number(values.spam);
  const timeoutMs = values['timeout-ms'] === undefined ? 60_000 : Number(values['timeout-ms']);
  if (
    !Number.isInteger(spam) ||
    spam < 0 ||
    spam > 10_000 ||
    !Number.isInteger(timeoutMs) ||
    timeoutMs < 100
  ) {
    io.stderr.write(`--spam must be 0…10000 and --timeout-ms at least 100\n`);
    return 2;
  }
  const canaries = values.canary ?? (config.redteamCanary ? [config.redteamCanary] : []);
  if (!values.json && canaries.length === 0) {
    io.stderr.write('note: no canary given (--canary or REDTEAM_CANARY): canary leaks are not checked\n');
  }
  const report = await runRedteam({
    url: values.url,
    canaries,
    instructions: readInstructionFiles(values.prompts ?? path.join(config.knowledge.dir, 'prompts')),
    requireAnswers: values['require-answers'],
    spamMessages: spam,
    requestTimeoutMs: timeoutMs,
  });
  io.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatReport(report)}\n`);
  return report.failed > 0 ? 1 : 0;
}
