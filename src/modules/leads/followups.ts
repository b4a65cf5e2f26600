/** The follow-up sequence (knowledge/followups.yaml): which e-mails go to leads who did not book. */
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

const followupFileSchema = z.strictObject({
  steps: z
    .array(
      z.strictObject({
        id: z.string().regex(/^[a-z0-9_]{1,40}$/, 'must be lower-case letters, digits and _'),
        afterHours: z
          .number()
          .positive()
          .max(24 * 365),
        template: z.string().regex(/^[a-z0-9_]{1,60}$/),
      }),
    )
    .max(20)
    .refine((steps) => new Set(steps.map((s) => s.id)).size === steps.length, 'step ids must be unique'),
});

export type FollowupStep = z.infer<typeof followupFileSchema>['steps'][number];

export const FOLLOWUPS_FILE = 'followups.yaml';

/** Reads the sequence; a missing file means no follow-ups. Throws with the file name on a bad file. */
export function loadFollowupSteps(knowledgeDir: string): FollowupStep[] {
  const file = path.join(knowledgeDir, FOLLOWUPS_FILE);
  if (!fs.existsSync(file)) return [];
  const parsed = followupFileSchema.safeParse(parseYaml(fs.readFileSync(file, 'utf8')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${file}: ${issue?.path.join('.') ?? ''} ${issue?.message ?? 'is not valid'}`);
  }
  return parsed.data.steps;
}
