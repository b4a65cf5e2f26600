/**
 * Writes conversation turns in groups. While one group is being written, the turns that arrive
 * wait and then go to the database together in one statement: under load the database commits once
 * for many turns instead of once per turn, and a quiet server still writes each turn at once. Every
 * turn keeps its own versioned check, and a caller hears back only after its turn is committed.
 */
import type { QueryRunner } from '../../platform/db/database.js';
import { createChatRepository, type TurnWrite } from './repository.js';

interface Pending {
  turn: TurnWrite;
  resolve: (saved: boolean) => void;
  reject: (err: unknown) => void;
}

export interface TurnWriterOptions {
  /** Most turns in one statement. */
  maxBatch?: number;
  /** Most statements in flight at once. */
  maxInFlight?: number;
}

export function createTurnWriter(db: QueryRunner, options: TurnWriterOptions = {}) {
  const maxBatch = options.maxBatch ?? 64;
  const maxInFlight = options.maxInFlight ?? 1;
  const repository = createChatRepository(db);
  const queue: Pending[] = [];
  let inFlight = 0;

  const writeOne = (turn: TurnWrite) =>
    repository.appendTurn(turn.sessionId, turn.expectedVersion, turn.update, turn.messages);

  /** The next group: oldest first, at most one turn per session (a statement updates a row once). */
  function take(): Pending[] {
    const batch: Pending[] = [];
    const sessions = new Set<string>();
    for (let i = 0; i < queue.length && batch.length < maxBatch;) {
      const pending = queue[i] as Pending;
      if (sessions.has(pending.turn.sessionId)) {
        i++;
        continue;
      }
      sessions.add(pending.turn.sessionId);
      batch.push(pending);
      queue.splice(i, 1);
    }
    return batch;
  }

  async function writeMany(batch: Pending[]): Promise<void> {
    const turns = batch.map((p) => p.turn).sort((a, b) => (a.sessionId < b.sessionId ? -1 : 1));
    let saved: Set<string>;
    try {
      saved = await repository.appendTurns(turns);
    } catch {
      // One turn must not fail the others (a deadlock with another replica, a bad row): each is
      // written on its own and hears its own outcome.
      await Promise.all(
        batch.map((p) =>
          writeOne(p.turn).then(
            (ok) => p.resolve(ok),
            (err: unknown) => p.reject(err),
          ),
        ),
      );
      return;
    }
    for (const p of batch) p.resolve(saved.has(p.turn.sessionId));
  }

  function pump(): void {
    while (inFlight < maxInFlight && queue.length > 0) {
      const batch = take();
      inFlight++;
      const done = () => {
        inFlight--;
        pump();
      };
      if (batch.length === 1) {
        const [p] = batch as [Pending];
        void writeOne(p.turn).then(p.resolve, p.reject).finally(done);
      } else {
        void writeMany(batch).finally(done);
      }
    }
  }

  return {
    /** Appends the turn's messages and saves its state; false when the session moved on meanwhile. */
    write(turn: TurnWrite): Promise<boolean> {
      return new Promise<boolean>((resolve, reject) => {
        queue.push({ turn, resolve, reject });
        pump();
      });
    },
  };
}

export type TurnWriter = ReturnType<typeof createTurnWriter>;
