/** Reading the audit log (admins only). */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { requireRole } from '../auth/guard.js';
import { auditPageSchema, auditQuerySchema } from './schema.js';
import type { AuditService } from './service.js';

export function auditRoutes(deps: { audit: AuditService }): FastifyPluginAsync {
  return async (app) => {
    app.withTypeProvider<ZodTypeProvider>().get(
      '/api/v1/admin/audit',
      {
        onRequest: requireRole('admin', { scope: 'admin:*' }),
        schema: {
          tags: ['admin'],
          summary: 'Page through the audit log, newest first',
          querystring: auditQuerySchema,
          response: { 200: auditPageSchema },
        },
      },
      async (request, reply) => {
        reply.header('cache-control', 'no-store');
        return deps.audit.list(request.query);
      },
    );
  };
}
