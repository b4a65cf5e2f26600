/** HTTP schemas of the leads API (public form and admin). */
import { z } from 'zod';
import { LEAD_STATUSES } from './service.js';

const trimmed = (max: number) =>
  z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

export const leadFormSchema = z
  .strictObject({
    name: trimmed(120),
    email: z.email('must be an e-mail address').max(254).optional(),
    phone: z
      .string()
      .trim()
      .regex(/^\+?[0-9 ()-]{7,20}$/, 'must be a phone number (digits, spaces, +, -, parentheses)')
      .optional(),
    message: z.string().trim().max(4000, 'must be at most 4000 characters').optional(),
    package: z
      .string()
      .regex(/^[a-z0-9_-]{1,40}$/, 'must be a package id')
      .optional(),
    area: z.number().positive('must be positive').max(100_000).optional(),
    city: trimmed(80).optional(),
    locale: z.enum(['pl', 'en']),
    consent: z.strictObject({
      processing: z.literal(true, { error: 'consent to processing is required' }),
      marketing: z.boolean().optional(),
    }),
  })
  .refine((v) => v.email !== undefined || v.phone !== undefined, {
    message: 'give an e-mail address or a phone number',
    path: ['email'],
  });

export const idempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .regex(/^[\x21-\x7e]{8,128}$/, 'must be 8–128 visible ASCII characters')
    .optional(),
});

export const leadFormResponseSchema = z.object({
  id: z.string(),
  status: z.string(),
  createdAt: z.string(),
});

export const statusSchema = z.enum(LEAD_STATUSES);
export const sourceSchema = z.enum(['chat', 'form', 'phone']);

const csv = <T extends string>(values: readonly [T, ...T[]]) =>
  z
    .string()
    .max(200)
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(values)).max(10));

const score = z.coerce.number().int().min(0).max(100);

export const leadFilterQuerySchema = z.strictObject({
  status: csv(LEAD_STATUSES).optional(),
  source: csv(['chat', 'form', 'phone'] as const).optional(),
  minScore: score.optional(),
  maxScore: score.optional(),
  createdFrom: z.iso.datetime({ offset: true }).optional(),
  createdTo: z.iso.datetime({ offset: true }).optional(),
  q: z.string().trim().min(1).max(100).optional(),
});

export const leadListQuerySchema = leadFilterQuerySchema.extend({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});

export const leadExportQuerySchema = leadFilterQuerySchema.extend({
  format: z.enum(['csv', 'json']).default('csv'),
});

export const leadSchema = z.object({
  id: z.string(),
  source: z.string(),
  status: z.string(),
  score: z.number(),
  name: z.string().nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  city: z.string().nullable(),
  areaM2: z.number().nullable(),
  packageId: z.string().nullable(),
  budgetPln: z.number().nullable(),
  message: z.string().nullable(),
  locale: z.string(),
  consent: z.object({ processing: z.boolean(), marketing: z.boolean(), at: z.string() }),
  conversationId: z.string().nullable().describe('The chat session id: its transcript is the conversation'),
  assigneeId: z.string().nullable(),
  bookingRequestedAt: z.string().nullable(),
  unsubscribedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const noteSchema = z.object({
  id: z.string(),
  authorId: z.string().nullable(),
  text: z.string(),
  createdAt: z.string(),
});

export const leadListResponseSchema = z.object({
  leads: z.array(leadSchema),
  nextCursor: z.string().nullable(),
});

export const leadDetailResponseSchema = z.object({ lead: leadSchema, notes: z.array(noteSchema) });

export const leadIdParams = z.object({ id: z.uuid('must be a lead id') });

export const leadPatchSchema = z
  .strictObject({
    status: statusSchema.optional(),
    assigneeId: z.uuid('must be a staff user id').nullable().optional(),
  })
  .refine((v) => v.status !== undefined || v.assigneeId !== undefined, 'give status and/or assigneeId');

export const noteBodySchema = z.strictObject({ text: trimmed(5000) });

export const bulkStatusSchema = z.strictObject({
  ids: z.array(z.uuid('must be a lead id')).min(1).max(500),
  status: statusSchema,
});

export type LeadView = z.infer<typeof leadSchema>;
