/**
 * Attachments customers add to their conversations: checked by content, stored under a random id in
 * the file storage, recorded with their conversation (and lead), announced in the transcript, and
 * handed back only to staff.
 */
import crypto from 'node:crypto';
import type { Database } from '../../platform/db/database.js';
import type { Logger } from '../../platform/logger.js';
import type { Metrics } from '../../platform/metrics.js';
import { StorageUnavailableError, type FileStorage } from '../../platform/storage/index.js';
import type { ChatService } from '../chat/service.js';
import type { LeadService } from '../leads/service.js';
import { checkContent } from './content-check.js';
import {
  StorageDownError,
  UnsupportedFileError,
  UploadFormError,
  UploadLimitError,
  UploadNotFoundError,
} from './errors.js';
import { sanitizeFileName } from './file-name.js';
import { createUploadRepository, type UploadRow } from './repository.js';

export interface UploadSettings {
  maxBytes: number;
  maxPerSession: number;
}

export interface UploadInfo {
  id: string;
  sessionId: string;
  leadId: string | null;
  kind: string;
  contentType: string;
  size: number;
  sha256: string;
  name: string;
  createdAt: string;
}

/** The transcript line staff see where the customer attached a file. */
export const ATTACHMENT_MESSAGE = 'attachment received';

function toInfo(row: UploadRow): UploadInfo {
  return {
    id: row.id,
    sessionId: row.sessionId,
    leadId: row.leadId,
    kind: row.kind,
    contentType: row.contentType,
    size: row.size,
    sha256: row.sha256,
    name: row.originalName,
    createdAt: row.createdAt.toISOString(),
  };
}

export function createUploadService(deps: {
  db: Database;
  storage: FileStorage;
  chat: Pick<ChatService, 'verifySession' | 'addSystemMessage'>;
  leads: Pick<LeadService, 'findBySession'>;
  metrics: Metrics;
  logger: Logger;
  settings: UploadSettings;
}) {
  const { db, storage, chat, leads, logger, settings } = deps;
  const repository = createUploadRepository(db);
  const outcomes = new deps.metrics.client.Counter({
    name: 'frontdesk_uploads_total',
    help: 'Customer uploads by outcome (stored, refused_type, too_large, limit_reached, storage_error, …)',
    labelNames: ['outcome'] as const,
    registers: [deps.metrics.registry],
  });

  async function ensureBelowLimit(sessionId: string, count: number) {
    if (count >= settings.maxPerSession) {
      outcomes.inc({ outcome: 'limit_reached' });
      throw new UploadLimitError(settings.maxPerSession);
    }
  }

  return {
    settings,

    /** Checks the visitor's session (id + secret); throws session_not_found when either is wrong. */
    async verifyVisitor(sessionId: string, secret: string | undefined): Promise<void> {
      await chat.verifySession(sessionId, secret);
    },

    /** Counts a refusal that happened while reading the request (too large, bad form). */
    refused(outcome: 'too_large' | 'bad_form'): void {
      outcomes.inc({ outcome });
    },

    /** Stores a customer's file. The caller has verified the session and bounded the size. */
    async accept(input: {
      sessionId: string;
      fileName: string | undefined;
      data: Buffer;
    }): Promise<UploadInfo> {
      const { sessionId, data } = input;
      if (data.length === 0) {
        outcomes.inc({ outcome: 'bad_form' });
        throw new UploadFormError('empty_file', 'The file is empty.');
      }
      const verdict = await checkContent(data);
      if (!verdict.ok) {
        outcomes.inc({ outcome: 'refused_type' });
        logger.info(
          { sessionId, reason: verdict.reason, detail: verdict.detail },
          'upload refused by content',
        );
        throw new UnsupportedFileError(
          verdict.reason === 'unknown_type'
            ? undefined
            : 'This file contains scripts or web page markup and cannot be attached.',
        );
      }
      await ensureBelowLimit(sessionId, await repository.countForSession(sessionId));

      const id = crypto.randomUUID();
      const sha256 = crypto.createHash('sha256').update(data).digest('hex');
      const lead = await leads.findBySession(sessionId);
      try {
        await storage.put(id, data, verdict.mime);
      } catch (err) {
        outcomes.inc({ outcome: 'storage_error' });
        logger.error({ err, sessionId }, 'storing an upload failed');
        if (err instanceof StorageUnavailableError) throw new StorageDownError();
        throw err;
      }
      try {
        const row = await db.transaction(async (tx) => {
          const txRepository = createUploadRepository(tx);
          await txRepository.lockSession(sessionId);
          await ensureBelowLimit(sessionId, await txRepository.countForSession(sessionId));
          const inserted = await txRepository.insert({
            id,
            sessionId,
            leadId: lead?.id ?? null,
            kind: verdict.kind,
            contentType: verdict.mime,
            size: data.length,
            sha256,
            originalName: sanitizeFileName(input.fileName, verdict.kind),
            storageKey: id,
          });
          await chat.addSystemMessage(
            sessionId,
            ATTACHMENT_MESSAGE,
            { type: 'attachment', uploadId: id, kind: verdict.kind, size: data.length },
            tx,
          );
          return inserted;
        });
        outcomes.inc({ outcome: 'stored' });
        logger.info({ sessionId, uploadId: id, kind: verdict.kind, size: data.length }, 'upload stored');
        return toInfo(row);
      } catch (err) {
        await storage
          .delete(id)
          .catch((cleanupErr: unknown) =>
            logger.warn({ err: cleanupErr, uploadId: id }, 'removing the file of a failed upload failed'),
          );
        throw err;
      }
    },

    async listForSession(sessionId: string): Promise<UploadInfo[]> {
      return (await repository.listForSession(sessionId)).map(toInfo);
    },

    /** The record and the bytes of an upload, for staff. */
    async open(id: string): Promise<{ info: UploadInfo; data: Buffer }> {
      const row = await repository.find(id);
      if (!row) throw new UploadNotFoundError();
      let data: Buffer | undefined;
      try {
        data = await storage.get(row.storageKey);
      } catch (err) {
        logger.error({ err, uploadId: id }, 'reading an upload failed');
        if (err instanceof StorageUnavailableError) throw new StorageDownError();
        throw err;
      }
      if (!data) {
        logger.error({ uploadId: id }, 'the file of an upload record is missing from the storage');
        throw new UploadNotFoundError();
      }
      return { info: toInfo(row), data };
    },
  };
}

export type UploadService = ReturnType<typeof createUploadService>;
