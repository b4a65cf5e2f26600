/** HTTP schemas of the chat API. */
import { z } from 'zod';

export const localeSchema = z.enum(['pl', 'en']);

export const sessionIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{24,64}$/, 'must be a session id returned by this API');

export const chatRequestSchema = z.strictObject({
  sessionId: sessionIdSchema.optional(),
  message: z
    .string()
    .max(4000, 'must be at most 4000 characters')
    .refine((s) => s.trim().length > 0, 'must not be empty'),
  locale: localeSchema.optional(),
});

export const replySchema = z.object({
  text: z.string(),
  suggestions: z.array(z.string()).optional(),
});

export const chatResponseSchema = z.object({
  sessionId: z.string(),
  sessionSecret: z
    .string()
    .optional()
    .describe('Returned once, when the session is created; keep it to continue'),
  locale: localeSchema,
  reply: replySchema
    .nullable()
    .describe(
      'null while an operator owns the conversation: the assistant stays silent and the operator answers over the widget WebSocket',
    ),
  quote: z
    .object({
      packageId: z.string(),
      areaM2: z.number(),
      min: z.number(),
      max: z.number(),
      currency: z.string(),
    })
    .optional(),
  handoff: z
    .object({
      reason: z.string(),
      status: z
        .enum(['waiting', 'claimed'])
        .optional()
        .describe('waiting: queued for an operator; claimed: an operator owns the conversation'),
    })
    .optional(),
});

export const messageSchema = z.object({
  id: z.string(),
  role: z.enum(['user', 'assistant', 'operator', 'system']),
  text: z.string(),
  createdAt: z.string(),
  suggestions: z.array(z.string()).optional(),
});

export const transcriptSchema = z.object({
  sessionId: z.string(),
  status: z.string(),
  locale: localeSchema,
  messages: z.array(messageSchema),
});

export type ChatRequest = z.infer<typeof chatRequestSchema>;
export type ChatResponse = z.infer<typeof chatResponseSchema>;
export type Transcript = z.infer<typeof transcriptSchema>;
export type TranscriptMessage = z.infer<typeof messageSchema>;
