/** HTTP schemas of the uploads API. */
import { z } from 'zod';
import { sessionIdSchema } from '../chat/schema.js';

export const uploadHeadersSchema = z.object({
  'x-session-secret': z.string().max(200).optional(),
  'x-session-id': sessionIdSchema.optional(),
});

export const uploadCreatedSchema = z.object({
  id: z.string(),
  kind: z.string().describe('jpeg, png, webp or pdf: the format recognised from the bytes'),
  contentType: z.string(),
  size: z.number(),
  name: z.string().describe('The file name as kept (sanitised)'),
  createdAt: z.string(),
});

export const uploadInfoSchema = uploadCreatedSchema.extend({
  sessionId: z.string(),
  leadId: z.string().nullable(),
  sha256: z.string(),
});

export const uploadIdParamsSchema = z.object({ id: z.uuid('must be an upload id returned by this API') });
export const conversationParamsSchema = z.object({ sessionId: sessionIdSchema });
