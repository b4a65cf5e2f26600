/**
 * POST /api/v1/uploads: a customer attaches a photo or a plan to their conversation (multipart, one
 * file in the field `file`, the session id in the field `sessionId` or the `x-session-id` header, the
 * session secret in `x-session-secret`). Staff read attachments through the admin routes.
 */
import multipart from '@fastify/multipart';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, BadRequestError, ValidationError } from '../../http/errors.js';
import { requireRole } from '../auth/guard.js';
import { sessionIdSchema } from '../chat/schema.js';
import { FileTooLargeError, UnsupportedFileError, UploadFormError } from './errors.js';
import { attachmentDisposition } from './file-name.js';
import {
  conversationParamsSchema,
  uploadCreatedSchema,
  uploadHeadersSchema,
  uploadIdParamsSchema,
  uploadInfoSchema,
} from './schema.js';
import type { UploadService } from './service.js';

const FILE_FIELD = 'file';
const SESSION_FIELD = 'sessionId';

/** Turns the multipart parser's failures into the API's errors. */
function multipartError(err: unknown, maxBytes: number): Error {
  if (err instanceof AppError) return err;
  const code = (err as { code?: string }).code;
  switch (code) {
    case 'FST_REQ_FILE_TOO_LARGE':
      return new FileTooLargeError(maxBytes);
    case 'FST_FILES_LIMIT':
      return new UploadFormError('too_many_files', `Send one file, in the field "${FILE_FIELD}".`);
    case 'FST_PARTS_LIMIT':
    case 'FST_FIELDS_LIMIT':
    case 'FST_PROTO_VIOLATION':
      return new UploadFormError(
        'unexpected_field',
        `Send only the fields "${FILE_FIELD}" and "${SESSION_FIELD}".`,
      );
    default:
      return new BadRequestError('The multipart form data could not be read.', 'malformed_multipart');
  }
}

export function uploadRoutes(deps: { uploads: UploadService }): FastifyPluginAsync {
  const { uploads } = deps;
  const maxBytes = uploads.settings.maxBytes;
  return async (app) => {
    await app.register(multipart, {
      limits: {
        fileSize: maxBytes,
        files: 2,
        fields: 4,
        parts: 6,
        fieldSize: 256,
        fieldNameSize: 64,
        headerPairs: 20,
      },
    });
    const r = app.withTypeProvider<ZodTypeProvider>();

    r.post(
      '/api/v1/uploads',
      {
        schema: {
          tags: ['uploads'],
          summary: 'Attach a photo (JPEG, PNG, WebP) or a PDF to a conversation',
          description:
            'multipart/form-data with one file in the field "file" and the session id in the field ' +
            '"sessionId" (or the x-session-id header); the session secret in x-session-secret. ' +
            'The type is recognised from the bytes; SVG, HTML, scripts and PDFs with JavaScript are refused (415).',
          consumes: ['multipart/form-data'],
          headers: uploadHeadersSchema,
          response: { 201: uploadCreatedSchema },
        },
      },
      async (request, reply) => {
        if (!request.isMultipart()) {
          throw new UnsupportedFileError('Send the file as multipart/form-data.');
        }
        const secret = request.headers['x-session-secret'];
        let sessionId = request.headers['x-session-id'];
        let verified = false;
        if (sessionId) {
          await uploads.verifyVisitor(sessionId, secret);
          verified = true;
        }
        let file: { name: string; data: Buffer } | undefined;
        try {
          for await (const part of request.parts()) {
            if (part.type === 'file') {
              if (part.fieldname !== FILE_FIELD) {
                throw new UploadFormError('unexpected_field', `Send the file in the field "${FILE_FIELD}".`);
              }
              if (file) throw new UploadFormError('too_many_files', 'Send one file per request.');
              file = { name: part.filename, data: await part.toBuffer() };
              continue;
            }
            if (part.fieldname !== SESSION_FIELD) {
              throw new UploadFormError(
                'unexpected_field',
                `Unexpected field; send only "${FILE_FIELD}" and "${SESSION_FIELD}".`,
              );
            }
            const value = part.valueTruncated ? undefined : sessionIdSchema.safeParse(part.value).data;
            if (!value || (sessionId && value !== sessionId)) {
              throw new ValidationError([
                { path: SESSION_FIELD, message: 'must be a session id returned by this API' },
              ]);
            }
            if (!verified) {
              await uploads.verifyVisitor(value, secret);
              verified = true;
            }
            sessionId = value;
          }
        } catch (err) {
          const mapped = multipartError(err, maxBytes);
          uploads.refused(mapped instanceof FileTooLargeError ? 'too_large' : 'bad_form');
          throw mapped;
        }
        if (!sessionId) {
          throw new ValidationError([{ path: SESSION_FIELD, message: 'is required' }]);
        }
        if (!file) throw new UploadFormError('file_required', `Attach a file in the field "${FILE_FIELD}".`);
        if (!verified) await uploads.verifyVisitor(sessionId, secret);
        const info = await uploads.accept({ sessionId, fileName: file.name, data: file.data });
        return reply.code(201).send({
          id: info.id,
          kind: info.kind,
          contentType: info.contentType,
          size: info.size,
          name: info.name,
          createdAt: info.createdAt,
        });
      },
    );

    r.get(
      '/api/v1/admin/uploads/:id',
      {
        onRequest: requireRole('viewer', { scope: 'conversations:read' }),
        schema: {
          tags: ['admin'],
          summary: 'Download an attachment (always as a file, never shown inline)',
          params: uploadIdParamsSchema,
        },
      },
      async (request, reply) => {
        const { info, data } = await uploads.open(request.params.id);
        return reply
          .header('content-type', info.contentType)
          .header('content-length', String(data.length))
          .header('content-disposition', attachmentDisposition(info.name))
          .header('x-content-type-options', 'nosniff')
          .header('cache-control', 'private, no-store')
          .header('content-security-policy', "default-src 'none'; sandbox")
          .send(data);
      },
    );

    r.get(
      '/api/v1/admin/conversations/:sessionId/uploads',
      {
        onRequest: requireRole('viewer', { scope: 'conversations:read' }),
        schema: {
          tags: ['admin'],
          summary: 'The attachments of a conversation',
          params: conversationParamsSchema,
          response: { 200: z.object({ uploads: z.array(uploadInfoSchema) }) },
        },
      },
      async (request, reply) => {
        reply.header('cache-control', 'private, no-store');
        return { uploads: await uploads.listForSession(request.params.sessionId) };
      },
    );
  };
}
