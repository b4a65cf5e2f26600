/** HTTP schemas of the blocklist admin API. */
import { z } from 'zod';

export const blockEntrySchema = z.object({
  id: z.string(),
  kind: z.enum(['ip', 'session']),
  value: z
    .string()
    .describe('An IPv4 address, an IPv6 /64 network (`2001:db8:1:2::/64`) or a chat session id'),
  reason: z.string(),
  violations: z
    .record(z.string(), z.number())
    .describe('Violations that led to an automatic block, by reason'),
  createdBy: z.string().describe('`system`, `user:<staff id>` or `token:<api token id>`'),
  createdAt: z.string(),
  expiresAt: z.string(),
  active: z.boolean(),
});

export const blockListSchema = z.object({ entries: z.array(blockEntrySchema) });

export const newBlockSchema = z.strictObject({
  kind: z.enum(['ip', 'session']),
  value: z.string().trim().min(1).max(100),
  minutes: z
    .number()
    .int()
    .min(1)
    .max(60 * 24 * 365),
  reason: z.string().trim().min(1).max(200),
});

export const blockIdParamsSchema = z.object({ id: z.uuid() });
