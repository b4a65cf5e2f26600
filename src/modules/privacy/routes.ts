/**
 * Privacy routes: the public request API and its no-script pages (request form, confirm pages of
 * e-mailed links, one-time export download), one-click unsubscribe, and the staff API (search,
 * export, erase, the consent trail). GET pages never change anything: a mail scanner following a link
 * only sees a form.
 */
import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { BadRequestError, NotFoundError } from '../../http/errors.js';
import { auditAs, requireRole } from '../auth/guard.js';
import type { ConsentTrail, ConsentTrailFilter } from './consent-trail.js';
import {
  erasedPage,
  exportReadyPage,
  invalidLinkPage,
  PRIVACY_CSS,
  REQUEST_ACCEPTED_MESSAGE,
  requestFormPage,
  requestSentPage,
  unsubscribeConfirmPage,
  unsubscribedPage,
  verifyConfirmPage,
  type PageLocale,
} from './pages.js';
import type { PrivacyService } from './service.js';
import { phoneDigits } from './subject.js';

const FORM_LIMIT_BYTES = 4_096;
const lang = z.enum(['pl', 'en']);
const email = z.email('must be an e-mail address').max(254);
const token = z.string().min(16).max(200);
const subjectQuery = z.strictObject({
  email: email.optional(),
  phone: z.string().min(6).max(40).optional(),
});

const staff = requireRole('admin', { scope: 'privacy:write' });
const consentReader = requireRole('admin', { scope: 'privacy:read' });

const consentFilterQuery = z.strictObject({
  email: email.optional(),
  phone: z
    .string()
    .max(40)
    .refine((v) => phoneDigits(v) !== undefined, 'must have at least 9 digits')
    .optional(),
  leadId: z.uuid().optional(),
  sessionId: z
    .string()
    .max(64)
    .regex(/^[A-Za-z0-9_-]+$/, 'must be a conversation id')
    .optional(),
  purpose: z.enum(['processing', 'marketing']).optional(),
  source: z.enum(['chat', 'form', 'unsubscribe', 'erasure', 'staff']).optional(),
  from: z.iso.datetime({ offset: true }).optional().describe('Events at or after this moment'),
  to: z.iso.datetime({ offset: true }).optional().describe('Events before this moment'),
});
type ConsentFilterQuery = z.infer<typeof consentFilterQuery>;

const consentEventSchema = z.object({
  id: z.string(),
  at: z.string(),
  purpose: z.string(),
  oldValue: z.string().describe('given, withdrawn, or unknown (nothing recorded before)'),
  newValue: z.string(),
  source: z.string(),
  leadId: z.string().nullable(),
  sessionId: z.string().nullable(),
});

const CONSENT_CSV_COLUMNS = [
  'at',
  'purpose',
  'oldValue',
  'newValue',
  'source',
  'leadId',
  'sessionId',
] as const;

function consentFilter(q: ConsentFilterQuery): ConsentTrailFilter {
  const from = q.from ? new Date(q.from) : undefined;
  const to = q.to ? new Date(q.to) : undefined;
  if (from && to && from.getTime() >= to.getTime()) {
    throw new BadRequestError('"from" must be before "to".', 'invalid_range');
  }
  return { ...q, from, to };
}

function encodeConsentCursor(id: string): string {
  return Buffer.from(`consent:${id}`).toString('base64url');
}

function decodeConsentCursor(raw: string): string {
  const match = /^consent:([1-9][0-9]{0,17})$/.exec(Buffer.from(raw, 'base64url').toString('utf8'));
  if (!match?.[1]) throw new BadRequestError('The cursor is not one this API returned.', 'invalid_cursor');
  return match[1];
}

/** A cell a spreadsheet would run as a formula gets a leading apostrophe. */
function safeCell(value: string | null): string {
  if (value === null) return '';
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function html(reply: FastifyReply, body: string, status = 200) {
  return reply.code(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(body);
}

function requireSubject(q: { email?: string | undefined; phone?: string | undefined }) {
  if (!q.email && !q.phone) {
    throw new BadRequestError('Give an e-mail address or a phone number.', 'subject_required');
  }
}

export function privacyRoutes(deps: {
  privacy: PrivacyService;
  consentTrail: ConsentTrail;
  linkTtlHours: number;
}): FastifyPluginAsync {
  const { privacy } = deps;
  return async (app) => {
    // HTML forms post application/x-www-form-urlencoded (also the one-click unsubscribe of mail clients).
    app.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: FORM_LIMIT_BYTES },
      (_request, body, done) => {
        done(null, Object.fromEntries(new URLSearchParams(String(body))));
      },
    );
    const r = app.withTypeProvider<ZodTypeProvider>();

    r.post(
      '/api/v1/privacy/requests',
      {
        schema: {
          tags: ['privacy'],
          summary: 'Ask for a copy or the erasure of your data (verified by an e-mailed link)',
          description:
            'Always answers 202 with the same body, whether or not the address is known. The link in the e-mail opens a confirm page.',
          body: z.strictObject({ kind: z.enum(['export', 'erase']), email, locale: lang.optional() }),
          response: { 202: z.object({ status: z.literal('accepted'), message: z.string() }) },
        },
      },
      async (request, reply) => {
        const locale = request.body.locale ?? 'pl';
        await privacy.submitRequest({ ...request.body, locale, ip: request.ip });
        return reply
          .code(202)
          .send({ status: 'accepted' as const, message: REQUEST_ACCEPTED_MESSAGE[locale] });
      },
    );

    r.get(
      '/api/v1/privacy/exports/:token',
      {
        schema: {
          tags: ['privacy'],
          summary: 'Download a verified export (a zip of JSON and CSV files); works once',
          params: z.object({ token }),
        },
      },
      async (request, reply) => {
        const archive = await privacy.download(request.params.token);
        if (!archive)
          throw new NotFoundError('This download link has expired or was already used.', 'export_not_found');
        return reply
          .header('cache-control', 'no-store')
          .header('content-disposition', 'attachment; filename="my-data.zip"')
          .type('application/zip')
          .send(archive);
      },
    );

    r.post(
      '/api/v1/privacy/unsubscribe',
      {
        schema: {
          tags: ['privacy'],
          summary: 'Stop marketing e-mail (one-click, RFC 8058: the token may be in the query)',
          querystring: z.object({ token: token.optional() }),
          body: z
            .object({ token: token.optional(), 'List-Unsubscribe': z.string().max(40).optional() })
            .optional(),
          response: { 200: z.object({ unsubscribed: z.literal(true) }) },
        },
      },
      async (request) => {
        const t = request.body?.token ?? request.query.token;
        if (!t) throw new BadRequestError('The unsubscribe token is missing.', 'invalid_token');
        if (!(await privacy.unsubscribe(t, request.ip))) {
          throw new BadRequestError('This unsubscribe link is not valid.', 'invalid_token');
        }
        return { unsubscribed: true as const };
      },
    );

    // Pages.
    r.get('/privacy/style.css', { schema: { hide: true } }, async (_request, reply) =>
      reply.header('cache-control', 'public, max-age=3600').type('text/css; charset=utf-8').send(PRIVACY_CSS),
    );

    r.get(
      '/privacy/request',
      { schema: { hide: true, querystring: z.object({ lang: lang.optional() }) } },
      async (request, reply) => html(reply, requestFormPage(request.query.lang ?? 'pl')),
    );

    r.post(
      '/privacy/request',
      { schema: { hide: true, body: z.record(z.string(), z.string()) } },
      async (request, reply) => {
        const locale: PageLocale = request.body.locale === 'en' ? 'en' : 'pl';
        const parsed = z
          .object({ kind: z.enum(['export', 'erase']), email })
          .safeParse({ kind: request.body.kind, email: request.body.email?.trim() });
        if (!parsed.success) {
          const message =
            locale === 'pl'
              ? 'Podaj poprawny adres e-mail i wybierz rodzaj żądania.'
              : 'Enter a valid e-mail address and choose a request.';
          return html(reply, requestFormPage(locale, message), 400);
        }
        await privacy.submitRequest({ ...parsed.data, locale, ip: request.ip });
        return html(reply, requestSentPage(locale), 202);
      },
    );

    r.get(
      '/privacy/verify',
      {
        schema: {
          hide: true,
          querystring: z.object({ token: z.string().max(200).optional(), lang: lang.optional() }),
        },
      },
      async (request, reply) => {
        const t = request.query.token;
        const found = t ? await privacy.verification(t) : undefined;
        if (!t || !found) return html(reply, invalidLinkPage(request.query.lang ?? 'pl'), 404);
        return html(reply, verifyConfirmPage(found.locale, found.kind, t));
      },
    );

    r.post(
      '/privacy/verify',
      { schema: { hide: true, body: z.record(z.string(), z.string()) } },
      async (request, reply) => {
        const t = request.body.token;
        const outcome = t && t.length <= 200 ? await privacy.confirm(t, request.ip) : undefined;
        if (!outcome) return html(reply, invalidLinkPage('pl'), 404);
        if (outcome.kind === 'export') {
          return html(reply, exportReadyPage(outcome.locale, outcome.downloadPath, deps.linkTtlHours));
        }
        return html(reply, erasedPage(outcome.locale));
      },
    );

    r.get(
      '/privacy/unsubscribe',
      {
        schema: {
          hide: true,
          querystring: z.object({ token: z.string().max(200).optional(), lang: lang.optional() }),
        },
      },
      async (request, reply) => {
        const locale = request.query.lang ?? 'pl';
        const t = request.query.token;
        if (!t) return html(reply, invalidLinkPage(locale), 400);
        return html(reply, unsubscribeConfirmPage(locale, t));
      },
    );

    r.post(
      '/privacy/unsubscribe',
      { schema: { hide: true, body: z.record(z.string(), z.string()) } },
      async (request, reply) => {
        const locale: PageLocale = request.body.locale === 'en' ? 'en' : 'pl';
        const t = request.body.token;
        if (!t || t.length > 200 || !(await privacy.unsubscribe(t, request.ip))) {
          return html(reply, invalidLinkPage(locale), 400);
        }
        return html(reply, unsubscribedPage(locale));
      },
    );

    // Staff.
    r.get(
      '/api/v1/admin/privacy/search',
      {
        onRequest: staff,
        schema: {
          tags: ['privacy'],
          summary: 'Everything kept about a person (by e-mail and/or phone)',
          querystring: subjectQuery,
        },
      },
      async (request) => {
        requireSubject(request.query);
        return privacy.search(request.query);
      },
    );

    r.get(
      '/api/v1/admin/privacy/consents',
      {
        onRequest: consentReader,
        schema: {
          tags: ['privacy'],
          summary: 'The consent trail: consent events newest first, filtered; pass nextCursor as cursor',
          description:
            'A person (email, phone) is looked up by the keyed hash the consent log keeps, and through the leads holding the address. Addresses and hashes are never in the answer.',
          querystring: consentFilterQuery.extend({
            limit: z.coerce.number().int().min(1).max(200).default(50),
            cursor: z.string().max(200).optional(),
          }),
          response: {
            200: z.object({ events: z.array(consentEventSchema), nextCursor: z.string().nullable() }),
          },
        },
      },
      async (request, reply) => {
        const { limit, cursor, ...query } = request.query;
        const filter = consentFilter(query);
        const before = cursor === undefined ? undefined : decodeConsentCursor(cursor);
        const page = await deps.consentTrail.list(filter, { limit, ...(before ? { before } : {}) });
        reply.header('cache-control', 'no-store');
        return {
          events: page.events,
          nextCursor: page.nextBefore ? encodeConsentCursor(page.nextBefore) : null,
        };
      },
    );

    r.get(
      '/api/v1/admin/privacy/consents/export',
      {
        onRequest: consentReader,
        schema: {
          tags: ['privacy'],
          summary: 'The consent events matching the filters, newest first, streamed as CSV',
          querystring: consentFilterQuery,
        },
      },
      async (request, reply) => {
        const events = deps.consentTrail.all(consentFilter(request.query));
        const stamp = new Date().toISOString().slice(0, 10);
        reply.header('cache-control', 'no-store');
        reply.header('content-disposition', `attachment; filename="consents-${stamp}.csv"`);
        reply.type('text/csv; charset=utf-8');
        const csv = stringify({ header: true, columns: [...CONSENT_CSV_COLUMNS], bom: true });
        const source = Readable.from(
          (async function* () {
            for await (const e of events) {
              yield Object.fromEntries(CONSENT_CSV_COLUMNS.map((c) => [c, safeCell(e[c])]));
            }
          })(),
        );
        source.on('error', (err) => csv.destroy(err));
        return reply.send(source.pipe(csv));
      },
    );

    r.post(
      '/api/v1/admin/privacy/export',
      {
        onRequest: staff,
        schema: {
          tags: ['privacy'],
          summary: 'A zip of everything kept about a person (JSON, CSV, uploaded files)',
          body: subjectQuery,
        },
      },
      async (request, reply) => {
        requireSubject(request.body);
        const staffMember = request.staff;
        const archive = await privacy.exportFor(
          request.body,
          staffMember ? { type: staffMember.kind, id: staffMember.id } : { type: 'anonymous' },
        );
        auditAs(request, {
          action: 'privacy.exported',
          targetType: 'privacy_subject',
          details: { origin: 'staff' },
        });
        return reply
          .header('cache-control', 'no-store')
          .header('content-disposition', 'attachment; filename="personal-data.zip"')
          .type('application/zip')
          .send(archive);
      },
    );

    r.post(
      '/api/v1/admin/privacy/erase',
      {
        onRequest: staff,
        schema: {
          tags: ['privacy'],
          summary: 'Erase everything kept about a person; needs confirm: true',
          body: subjectQuery.extend({ confirm: z.literal(true, 'set confirm to true to erase') }),
        },
      },
      async (request) => {
        requireSubject(request.body);
        const { confirm: _confirm, ...subject } = request.body;
        const result = await privacy.eraseFor(subject);
        auditAs(request, {
          action: 'privacy.erased',
          targetType: 'privacy_subject',
          details: { origin: 'staff', erased: result.erased, backupsClearBy: result.backupsClearBy },
        });
        return result;
      },
    );
  };
}
