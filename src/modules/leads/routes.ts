/** The leads API: the public contact form and the staff's admin API. */
import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { BadRequestError } from '../../http/errors.js';
import { auditAs, requireRole } from '../auth/guard.js';
import {
  bulkStatusSchema,
  idempotencyHeaders,
  leadDetailResponseSchema,
  leadExportQuerySchema,
  leadFormResponseSchema,
  leadFormSchema,
  leadIdParams,
  leadListQuerySchema,
  leadListResponseSchema,
  leadPatchSchema,
  noteBodySchema,
  noteSchema,
  type LeadView,
} from './schema.js';
import type { LeadCursor, LeadFilters, LeadNoteRow, LeadRow, LeadService } from './service.js';

export function toLeadView(l: LeadRow): LeadView {
  return {
    id: l.id,
    source: l.source,
    status: l.status,
    score: l.score,
    name: l.firstName,
    email: l.email,
    phone: l.phone,
    city: l.city,
    areaM2: l.areaM2,
    packageId: l.packageId,
    budgetPln: l.budgetPln,
    message: l.message,
    locale: l.locale,
    consent: {
      processing: l.processingConsent,
      marketing: l.marketingConsent,
      at: l.consentAt.toISOString(),
    },
    conversationId: l.sessionId,
    assigneeId: l.assigneeId,
    bookingRequestedAt: l.bookingRequestedAt?.toISOString() ?? null,
    unsubscribedAt: l.unsubscribedAt?.toISOString() ?? null,
    createdAt: l.createdAt.toISOString(),
    updatedAt: l.updatedAt.toISOString(),
  };
}

const noteView = (n: LeadNoteRow) => ({
  id: n.id,
  authorId: n.authorId,
  text: n.text,
  createdAt: n.createdAt.toISOString(),
});

type FilterQuery = z.infer<typeof leadExportQuerySchema>;

function filtersOf(q: Omit<FilterQuery, 'format'>): LeadFilters {
  return {
    ...(q.status ? { status: q.status } : {}),
    ...(q.source ? { source: q.source } : {}),
    ...(q.minScore !== undefined ? { minScore: q.minScore } : {}),
    ...(q.maxScore !== undefined ? { maxScore: q.maxScore } : {}),
    ...(q.createdFrom ? { createdFrom: new Date(q.createdFrom) } : {}),
    ...(q.createdTo ? { createdTo: new Date(q.createdTo) } : {}),
    ...(q.q ? { q: q.q } : {}),
  };
}

function encodeCursor(c: LeadCursor): string {
  return Buffer.from(JSON.stringify([c.createdAt, c.id])).toString('base64url');
}

function decodeCursor(raw: string): LeadCursor {
  try {
    const value: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      typeof value[0] === 'string' &&
      !Number.isNaN(Date.parse(value[0])) &&
      typeof value[1] === 'string' &&
      /^[0-9a-f-]{36}$/i.test(value[1])
    ) {
      return { createdAt: value[0], id: value[1] };
    }
  } catch {
    // fall through
  }
  throw new BadRequestError('The cursor is not one this API returned.', 'invalid_cursor');
}

/** Columns of the CSV export, in order. */
export const EXPORT_COLUMNS = [
  'id',
  'createdAt',
  'source',
  'status',
  'score',
  'name',
  'email',
  'phone',
  'city',
  'areaM2',
  'packageId',
  'budgetPln',
  'locale',
  'marketingConsent',
  'assigneeId',
  'conversationId',
  'message',
] as const;

/** A cell a spreadsheet would run as a formula gets a leading apostrophe. */
function safeCell(value: unknown): unknown {
  return typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function exportRecord(l: LeadRow): Record<string, unknown> {
  const v = toLeadView(l);
  const flat: Record<string, unknown> = { ...v, marketingConsent: v.consent.marketing };
  return Object.fromEntries(EXPORT_COLUMNS.map((c) => [c, safeCell(flat[c] ?? '')]));
}

export function leadRoutes(deps: { leads: LeadService }): FastifyPluginAsync {
  const { leads } = deps;
  return async (app) => {
    const r = app.withTypeProvider<ZodTypeProvider>();

    r.post(
      '/api/v1/leads',
      {
        schema: {
          tags: ['leads'],
          summary: 'Leave contact details (the contact form)',
          description:
            'Needs consent to processing. With an Idempotency-Key header (8–128 characters) a retried ' +
            'request never creates a second lead: the first answer is 201, a repeat with the same key and ' +
            'body is 200 with the same body (and Idempotent-Replayed: true); the same key with another ' +
            'body is 422 idempotency_key_reused.',
          body: leadFormSchema,
          headers: idempotencyHeaders,
          response: { 200: leadFormResponseSchema, 201: leadFormResponseSchema },
        },
      },
      async (request, reply) => {
        const key = request.headers['idempotency-key'];
        const { lead, created } = await leads.createFromForm(request.body, key, { clientIp: request.ip });
        reply.code(created ? 201 : 200);
        if (key && !created) reply.header('idempotent-replayed', 'true');
        return { id: lead.id, status: 'received', createdAt: lead.createdAt.toISOString() };
      },
    );

    r.get(
      '/api/v1/admin/leads',
      {
        onRequest: requireRole('viewer', { scope: 'leads:read' }),
        schema: {
          tags: ['leads'],
          summary: 'List leads (newest first) with filters; pass nextCursor as cursor for the next page',
          querystring: leadListQuerySchema,
          response: { 200: leadListResponseSchema },
        },
      },
      async (request) => {
        const q = request.query;
        const page = await leads.list(filtersOf(q), q.cursor ? decodeCursor(q.cursor) : undefined, q.limit);
        return {
          leads: page.leads.map(toLeadView),
          nextCursor: page.nextCursor ? encodeCursor(page.nextCursor) : null,
        };
      },
    );

    r.get(
      '/api/v1/admin/leads/export',
      {
        onRequest: requireRole('operator', { scope: 'leads:read' }),
        schema: {
          tags: ['leads'],
          summary: 'Export the leads matching the filters, streamed as CSV or JSON',
          querystring: leadExportQuerySchema,
        },
      },
      async (request, reply) => {
        const { format, ...filters } = request.query;
        const rows = leads.iterate(filtersOf(filters));
        const stamp = new Date().toISOString().slice(0, 10);
        reply.header('cache-control', 'no-store');
        reply.header('content-disposition', `attachment; filename="leads-${stamp}.${format}"`);
        request.log.info({ format }, 'lead export started');
        if (format === 'json') {
          reply.type('application/json; charset=utf-8');
          return reply.send(Readable.from(jsonArray(rows)));
        }
        reply.type('text/csv; charset=utf-8');
        const csv = stringify({ header: true, columns: [...EXPORT_COLUMNS], bom: true });
        const source = Readable.from(
          (async function* () {
            for await (const lead of rows) yield exportRecord(lead);
          })(),
        );
        source.on('error', (err) => csv.destroy(err));
        return reply.send(source.pipe(csv));
      },
    );

    r.get(
      '/api/v1/admin/leads/:id',
      {
        onRequest: requireRole('viewer', { scope: 'leads:read' }),
        schema: {
          tags: ['leads'],
          summary: 'One lead with its notes and the id of its conversation',
          params: leadIdParams,
          response: { 200: leadDetailResponseSchema },
        },
      },
      async (request) => {
        const { lead, notes } = await leads.get(request.params.id);
        return { lead: toLeadView(lead), notes: notes.map(noteView) };
      },
    );

    r.patch(
      '/api/v1/admin/leads/:id',
      {
        onRequest: requireRole('operator', { scope: 'leads:write' }),
        schema: {
          tags: ['leads'],
          summary: 'Change the status (pipeline rules apply; 409 otherwise) and/or the assignee',
          params: leadIdParams,
          body: leadPatchSchema,
          response: { 200: z.object({ lead: z.custom<LeadView>() }) },
        },
      },
      async (request) => {
        const { status, assigneeId } = request.body;
        const lead = await leads.update(request.params.id, {
          ...(status ? { status } : {}),
          ...(assigneeId !== undefined ? { assigneeId } : {}),
        });
        auditAs(request, {
          action: 'lead.updated',
          targetType: 'lead',
          targetId: lead.id,
          details: { fields: Object.keys(request.body), ...(status ? { status } : {}) },
        });
        return { lead: toLeadView(lead) };
      },
    );

    r.post(
      '/api/v1/admin/leads/:id/notes',
      {
        onRequest: requireRole('operator', { scope: 'leads:write' }),
        schema: {
          tags: ['leads'],
          summary: 'Add a note to a lead',
          params: leadIdParams,
          body: noteBodySchema,
          response: { 201: z.object({ note: noteSchema }) },
        },
      },
      async (request, reply) => {
        const author = request.staff?.kind === 'user' ? request.staff.id : null;
        const note = await leads.addNote(request.params.id, author, request.body.text);
        auditAs(request, { action: 'lead.note_added', targetType: 'lead', targetId: request.params.id });
        reply.code(201);
        return { note: noteView(note) };
      },
    );

    r.post(
      '/api/v1/admin/leads/bulk-status',
      {
        onRequest: requireRole('operator', { scope: 'leads:write' }),
        schema: {
          tags: ['leads'],
          summary: 'Move several leads to one status: all of them or, on any refusal, none',
          body: bulkStatusSchema,
          response: { 200: z.object({ updated: z.number(), unchanged: z.number() }) },
        },
      },
      async (request) => {
        const result = await leads.bulkStatus(request.body.ids, request.body.status);
        auditAs(request, {
          action: 'lead.bulk_status',
          targetType: 'lead',
          details: { status: request.body.status, count: request.body.ids.length, updated: result.updated },
        });
        return result;
      },
    );
  };
}

async function* jsonArray(rows: AsyncIterable<LeadRow>): AsyncGenerator<string> {
  yield '[';
  let first = true;
  for await (const lead of rows) {
    yield `${first ? '' : ','}\n${JSON.stringify(toLeadView(lead))}`;
    first = false;
  }
  yield '\n]\n';
}
