/**
 * The one error hierarchy. Every known failure has a stable snake_case code and an HTTP status; the
 * global handler (error-handler.ts) turns them into the JSON error body.
 */

export class AppError extends Error {
  constructor(
    public readonly code: string,
    public readonly statusCode: number,
    message: string,
    public readonly details?: unknown,
    public readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class BadRequestError extends AppError {
  constructor(message = 'The request is not valid.', code = 'bad_request', details?: unknown) {
    super(code, 400, message, details);
  }
}

export class InvalidJsonError extends AppError {
  constructor(message = 'The request body is not valid JSON.') {
    super('invalid_json', 400, message);
  }
}

export class ValidationError extends AppError {
  constructor(details: unknown, message = 'The request does not match the expected schema.') {
    super('validation_failed', 400, message, details);
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = 'Authentication is required.', code = 'unauthorized') {
    super(code, 401, message);
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'You are not allowed to do this.', code = 'forbidden') {
    super(code, 403, message);
  }
}

export class NotFoundError extends AppError {
  constructor(message = 'Not found.', code = 'not_found') {
    super(code, 404, message);
  }
}

export class ConflictError extends AppError {
  constructor(message = 'The request conflicts with the current state.', code = 'conflict') {
    super(code, 409, message);
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(message = 'The request body is too large.') {
    super('payload_too_large', 413, message);
  }
}

export class UnsupportedMediaTypeError extends AppError {
  constructor(message = 'This content type is not supported.') {
    super('unsupported_media_type', 415, message);
  }
}

export class RateLimitedError extends AppError {
  constructor(retryAfterSeconds: number, message = 'Too many requests. Please slow down.') {
    super('rate_limited', 429, message, undefined, {
      'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))),
    });
  }
}

export class ServiceUnavailableError extends AppError {
  constructor(message = 'The service is temporarily unavailable.', code = 'service_unavailable') {
    super(code, 503, message);
  }
}
