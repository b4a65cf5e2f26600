/** The backups admin API (admin role; `admin:*` for API tokens). There is deliberately no download. */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { auditAs, requireRole } from '../auth/guard.js';
import { backupListSchema, backupSchema, noQuerySchema } from './schema.js';
import type { BackupService } from './service.js';

const admin = () => requireRole('admin', { scope: 'admin:*' });

export function backupRoutes(deps: { backups: BackupService }): FastifyPluginAsync {
  const { backups } = deps;
  return async (app) => {
    const r = app.withTypeProvider<ZodTypeProvider>();

    r.get(
      '/api/v1/admin/backups',
      {
        onRequest: admin(),
        schema: {
          tags: ['backups'],
          summary: 'The backups on this server, with their rotation slots and verification',
          querystring: noQuerySchema,
          response: { 200: backupListSchema },
        },
      },
      async (_request, reply) => {
        reply.header('cache-control', 'no-store');
        const { settings } = backups;
        return {
          backups: await backups.list(),
          running: backups.isRunning(),
          schedule: {
            enabled: settings.enabled,
            hourUtc: settings.hourUtc,
            keep: settings.keep,
            encrypted: Boolean(settings.encryptionKey),
          },
        };
      },
    );

    r.post(
      '/api/v1/admin/backups',
      {
        onRequest: admin(),
        schema: {
          tags: ['backups'],
          summary: 'Make a backup now (verified in the background); 409 while one is being made',
          querystring: noQuerySchema,
          response: { 201: backupSchema },
        },
      },
      async (request, reply) => {
        const backup = await backups.startManual();
        auditAs(request, {
          action: 'backup.created',
          targetType: 'backup',
          targetId: backup.name,
          details: { sizeBytes: backup.sizeBytes, encrypted: backup.encrypted },
        });
        return reply.code(201).send(backup);
      },
    );
  };
}
