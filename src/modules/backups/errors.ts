/** The failures of backups, verification and restore, each with a stable code and a clear message. */
import { AppError, ConflictError, NotFoundError } from '../../http/errors.js';

export class BackupRunningError extends ConflictError {
  constructor() {
    super('A backup is already being made. Wait for it to finish.', 'backup_running');
  }
}

export class BackupNotFoundError extends NotFoundError {
  constructor(file: string) {
    super(`There is no backup file at ${file}.`, 'backup_not_found');
  }
}

/** The file is not a Frontdesk backup, or it is damaged, truncated or was changed after writing. */
export class BackupUnreadableError extends AppError {
  constructor(message: string) {
    super('backup_unreadable', 422, message);
  }
}

/** The file is encrypted and no key, or the wrong key, is configured. */
export class BackupKeyError extends AppError {
  constructor(message: string) {
    super('backup_key_invalid', 422, message);
  }
}

/** The backup's migrations are not a prefix of this version's: written by a newer or different code. */
export class BackupVersionError extends AppError {
  constructor(message: string) {
    super('backup_version_mismatch', 422, message);
  }
}

export class DatabaseNotEmptyError extends ConflictError {
  constructor(tables: string[]) {
    super(
      `The database already holds data (${tables.slice(0, 5).join(', ')}${tables.length > 5 ? ', …' : ''}). ` +
        'Restore into an empty database, or add --force to replace everything in it with the backup.',
      'database_not_empty',
    );
  }
}
