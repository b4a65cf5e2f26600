/** HTTP schemas of the authentication and staff-administration API. */
import { z } from 'zod';
import { ROLES, SCOPES } from './access.js';
import { PASSWORD_MAX_LENGTH } from './secrets.js';

export const roleSchema = z.enum(ROLES);
export const scopeSchema = z.enum(SCOPES);

const emailSchema = z.email('must be an e-mail address').max(254);
const nameSchema = z
  .string()
  .max(120)
  .refine((s) => s.trim().length > 0, 'must not be empty');
/** Length and strength are checked by the service, which answers 400 weak_password. */
const passwordSchema = z.string().min(1).max(PASSWORD_MAX_LENGTH);

export const loginBodySchema = z.strictObject({
  email: z.string().min(1).max(254),
  password: z.string().min(1).max(PASSWORD_MAX_LENGTH),
});

export const setupBodySchema = z.strictObject({
  token: z.string().min(1).max(200),
  email: emailSchema,
  name: nameSchema,
  password: passwordSchema,
});

export const staffUserSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: roleSchema,
});

export const sessionResponseSchema = z.object({
  user: staffUserSchema,
  csrfToken: z.string().describe('Send it as the x-csrf-token header on every write'),
});

export const meResponseSchema = sessionResponseSchema;

export const staffUserDetailsSchema = staffUserSchema.extend({
  disabled: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
  lastLoginAt: z.string().nullable(),
});

export const createUserBodySchema = z.strictObject({
  email: emailSchema,
  name: nameSchema,
  role: roleSchema,
  password: passwordSchema,
});

export const updateUserBodySchema = z
  .strictObject({
    name: nameSchema.optional(),
    role: roleSchema.optional(),
    disabled: z.boolean().optional(),
  })
  .refine((b) => b.name !== undefined || b.role !== undefined || b.disabled !== undefined, {
    message: 'give at least one of name, role, disabled',
  });

export const passwordBodySchema = z.strictObject({ password: passwordSchema });

export const idParamsSchema = z.object({ id: z.uuid('must be an id returned by this API') });

export const createTokenBodySchema = z.strictObject({
  name: nameSchema,
  scopes: z.array(z.string().max(64)).min(1).max(SCOPES.length),
  role: roleSchema.optional(),
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});

export const tokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  role: roleSchema,
  scopes: z.array(z.string()),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});

export const createdTokenSchema = tokenSchema.extend({
  token: z.string().describe('The secret: shown only in this response'),
});
