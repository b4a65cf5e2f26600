/** HTTP schemas of the backups admin API. */
import { z } from 'zod';

export const backupSchema = z.object({
  name: z.string().describe('File name in BACKUP_DIR, e.g. `frontdesk-20250301-020012Z.backup`'),
  createdAt: z.string().describe('When the database snapshot was taken'),
  sizeBytes: z.number().int(),
  encrypted: z.boolean(),
  slots: z
    .array(z.enum(['daily', 'weekly', 'monthly']))
    .describe('The rotation slots that keep this backup; empty: the next rotation deletes it'),
  verification: z
    .enum(['passed', 'failed', 'pending', 'not_verified'])
    .describe('Outcome of the test restore into a scratch database'),
  verifiedAt: z.string().nullable(),
  verifyError: z.string().nullable(),
  rows: z.number().int().nullable(),
  files: z.number().int().nullable(),
  trigger: z.enum(['scheduled', 'manual', 'cli']).nullable(),
});

export const backupListSchema = z.object({
  backups: z.array(backupSchema),
  running: z.boolean().describe('A backup is being made (or verified) by this server now'),
  schedule: z.object({
    enabled: z.boolean(),
    hourUtc: z.number().int(),
    keep: z.object({ daily: z.number().int(), weekly: z.number().int(), monthly: z.number().int() }),
    encrypted: z.boolean().describe('New backups are encrypted (BACKUP_ENCRYPTION_KEY is set)'),
  }),
});

export const noQuerySchema = z.strictObject({});
