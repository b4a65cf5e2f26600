/** HTTP schemas of the operator API. */
import { z } from 'zod';

export const sessionParams = z.object({
  sessionId: z.string().regex(/^[A-Za-z0-9_-]{24,64}$/, 'must be a conversation id'),
});

export const handoffSchema = z.object({
  id: z.string(),
  sessionId: z.string(),
  reason: z.string(),
  status: z.enum(['waiting', 'claimed', 'released', 'closed']),
  summary: z.string(),
  details: z.record(z.string(), z.unknown()),
  outsideHours: z.boolean(),
  claimedBy: z.string().nullable(),
  createdAt: z.string(),
  claimedAt: z.string().nullable(),
  releasedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  locale: z.string(),
});

export const conversationSummarySchema = z.object({
  sessionId: z.string(),
  channel: z.string(),
  locale: z.string(),
  status: z.string(),
  endReason: z.string().nullable(),
  handoffStatus: z.string().nullable(),
  messageCount: z.number(),
  createdAt: z.string(),
  lastActivityAt: z.string(),
  endedAt: z.string().nullable(),
});

const isoDate = z.iso.datetime({ offset: true }).or(z.iso.date());

export const conversationListQuery = z.strictObject({
  status: z.enum(['active', 'ended']).optional(),
  hasHandoff: z.enum(['true', 'false']).optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
  search: z.string().min(1).max(200).optional(),
  before: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const operatorMessageSchema = z.object({
  id: z.string(),
  role: z.enum(['user', 'assistant', 'operator', 'system']),
  text: z.string(),
  createdAt: z.string(),
  kind: z.string().optional(),
  operatorId: z.string().optional(),
});

export const conversationDetailSchema = z.object({
  session: conversationSummarySchema,
  messages: z.array(operatorMessageSchema),
  details: z.record(z.string(), z.unknown()),
  handoffs: z.array(handoffSchema),
  leadId: z.string().nullable(),
});
