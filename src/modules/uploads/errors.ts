/** The failures of uploads, each with its stable code and HTTP status. */
import {
  AppError,
  BadRequestError,
  ConflictError,
  NotFoundError,
  PayloadTooLargeError,
  ServiceUnavailableError,
  UnsupportedMediaTypeError,
} from '../../http/errors.js';

export class FileTooLargeError extends PayloadTooLargeError {
  constructor(maxBytes: number) {
    super(`The file is larger than ${Math.floor(maxBytes / 1024 / 1024) || 1} MB.`);
  }
}

export class UnsupportedFileError extends UnsupportedMediaTypeError {
  constructor(message = 'Only JPEG, PNG and WebP photos and PDF documents can be attached.') {
    super(message);
  }
}

export class UploadFormError extends BadRequestError {
  constructor(code: 'file_required' | 'too_many_files' | 'unexpected_field' | 'empty_file', message: string) {
    super(message, code);
  }
}

export class UploadLimitError extends ConflictError {
  constructor(limit: number) {
    super(
      `This conversation already has ${limit} attachments, the most it can have.`,
      'upload_limit_reached',
    );
  }
}

export class UploadNotFoundError extends NotFoundError {
  constructor() {
    super('There is no attachment with this id.', 'upload_not_found');
  }
}

export class StorageDownError extends ServiceUnavailableError {
  constructor() {
    super('Attachments cannot be stored right now. Please try again in a moment.', 'storage_unavailable');
  }
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}
