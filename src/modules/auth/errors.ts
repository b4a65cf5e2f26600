/** The failures of staff authentication, each with its stable code and HTTP status. */
import {
  AppError,
  BadRequestError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  UnauthorizedError,
} from '../../http/errors.js';

export class InvalidCredentialsError extends UnauthorizedError {
  constructor() {
    super('The e-mail address or the password is not correct.', 'invalid_credentials');
  }
}

export class LoginLockedError extends AppError {
  constructor(retryAfterSeconds: number) {
    const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
    super(
      'login_locked',
      429,
      'Too many failed sign-in attempts. Try again later.',
      { retryAfterSeconds: seconds },
      { 'retry-after': String(seconds) },
    );
  }
}

export class WeakPasswordError extends BadRequestError {
  constructor(message: string) {
    super(message, 'weak_password');
  }
}

export class EmailTakenError extends ConflictError {
  constructor() {
    super('A staff account with this e-mail address already exists.', 'email_taken');
  }
}

export class LastAdminError extends ConflictError {
  constructor() {
    super('This is the last active admin: make another admin first.', 'last_admin');
  }
}

export class SetupDoneError extends ConflictError {
  constructor() {
    super('An admin account already exists; sign in instead.', 'setup_done');
  }
}

export class InvalidSetupTokenError extends ForbiddenError {
  constructor() {
    super('This setup link is not valid: it was used, has expired or is wrong.', 'invalid_setup_token');
  }
}

export class InvalidTokenError extends UnauthorizedError {
  constructor() {
    super('The API token is not valid, has expired or was revoked.', 'invalid_token');
  }
}

export class UserNotFoundError extends NotFoundError {
  constructor() {
    super('There is no staff account with this id.', 'user_not_found');
  }
}

export class TokenNotFoundError extends NotFoundError {
  constructor() {
    super('There is no API token with this id.', 'token_not_found');
  }
}
