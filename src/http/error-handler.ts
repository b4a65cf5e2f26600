/**
 * The one global error handler and the not-found handler. Every error body is
 * {error, message, requestId} (+ details for validation); nothing unexpected leaks to the client.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ZodError } from 'zod';
import { AppError } from './errors.js';

export interface ErrorBody {
  error: string;
  message: string;
  requestId: string;
  details?: unknown;
}

const FASTIFY_CODES: Record<string, { code: string; status: number; message: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: {
    code: 'payload_too_large',
    status: 413,
    message: 'The request body is too large.',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: 'unsupported_media_type',
    status: 415,
    message: 'This content type is not supported here.',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    code: 'bad_request',
    status: 400,
    message: 'The Content-Length header does not match the body.',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    code: 'invalid_json',
    status: 400,
    message: 'The request body is empty; a JSON document was expected.',
  },
  FST_ERR_CTP_INVALID_JSON_BODY: {
    code: 'invalid_json',
    status: 400,
    message: 'The request body is not valid JSON.',
  },
};

export function sendError(
  reply: FastifyReply,
  status: number,
  body: Omit<ErrorBody, 'requestId'>,
): FastifyReply {
  return reply
    .code(status)
    .type('application/json; charset=utf-8')
    .send({ ...body, requestId: String(reply.request.id) } satisfies ErrorBody);
}

function zodDetails(err: ZodError) {
  return err.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}

export function registerErrorHandling(app: FastifyInstance, onServerError?: (err: unknown) => void): void {
  app.setErrorHandler((err: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) => {
    if (err instanceof AppError) {
      if (err.headers) reply.headers(err.headers);
      request.log.info({ code: err.code, status: err.statusCode }, err.message);
      return sendError(reply, err.statusCode, {
        error: err.code,
        message: err.message,
        ...(err.details !== undefined ? { details: err.details } : {}),
      });
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const details = err.validation.map((v) => ({
        path: v.instancePath.replace(/^\//, '').replace(/\//g, '.'),
        in: err.validationContext,
        message: v.message,
      }));
      request.log.info({ code: 'validation_failed', details }, 'request failed validation');
      return sendError(reply, 400, {
        error: 'validation_failed',
        message: 'The request does not match the expected schema.',
        details,
      });
    }
    if (err instanceof ZodError) {
      return sendError(reply, 400, {
        error: 'validation_failed',
        message: 'The request does not match the expected schema.',
        details: zodDetails(err),
      });
    }
    const fastifyCode = (err as FastifyError).code;
    const known = fastifyCode ? FASTIFY_CODES[fastifyCode] : undefined;
    if (known) {
      request.log.info({ code: known.code, fastifyCode }, known.message);
      return sendError(reply, known.status, { error: known.code, message: known.message });
    }
    const status = (err as FastifyError).statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      request.log.info({ err, status }, 'client error');
      return sendError(reply, status, {
        error: status === 404 ? 'not_found' : status === 405 ? 'method_not_allowed' : 'bad_request',
        message: fastifyCode?.startsWith('FST_') ? err.message : 'The request could not be processed.',
      });
    }
    request.log.error({ err }, 'unexpected error');
    onServerError?.(err);
    return sendError(reply, 500, {
      error: 'internal_error',
      message: 'Something went wrong on our side. Please try again.',
    });
  });

  app.setNotFoundHandler((request, reply) =>
    sendError(reply, 404, {
      error: 'not_found',
      message: `No route for ${request.method} ${request.url.split('?')[0]}.`,
    }),
  );
}
