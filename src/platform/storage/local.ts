/**
 * Files in a local directory (UPLOAD_DIR), outside every directory the HTTP server serves. Each object
 * is one file named by its key, fanned out into sub-directories by the key's first two characters;
 * writes go to a temporary file first and are renamed into place, so a reader never sees half a file.
 */
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { assertStorageKey, type FileStorage } from './types.js';

export function createLocalStorage(dir: string): FileStorage {
  const root = path.resolve(dir);
  const fileOf = (key: string) => {
    assertStorageKey(key);
    return path.join(root, key.slice(0, 2).toLowerCase(), key);
  };
  return {
    kind: 'local',
    async put(key, data) {
      const file = fileOf(key);
      await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
      const temp = path.join(root, `.tmp-${crypto.randomUUID()}`);
      try {
        await fs.writeFile(temp, data, { mode: 0o600, flag: 'wx' });
        await fs.rename(temp, file);
      } catch (err) {
        await fs.rm(temp, { force: true });
        throw err;
      }
    },
    async get(key) {
      try {
        return await fs.readFile(fileOf(key));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
      }
    },
    async delete(key) {
      await fs.rm(fileOf(key), { force: true });
    },
  };
}
