/**
 * Failed LLM calls, recorded in the table llm_failures so the dashboard counts them for any period
 * and across replicas. The LLM chain reports each failure through `record` (where it also counts
 * frontdesk_llm_errors_total); that never throws and never waits for the database. The failures of a
 * chat turn are held until the turn ends, so they carry its conversation id (a new conversation gets
 * its id only then), and are written in small batches off the request path together with a live
 * event (`llm_error`, staff only) that makes open dashboards refresh. When writing fails, the failure
 * is logged and dropped: a chat turn never fails because of it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Database, QueryRunner } from '../../../platform/db/database.js';
import type { Logger } from '../../../platform/logger.js';
import type { LlmErrorKind } from './client.js';

export interface LlmFailure {
  /** The slot of the LLM in the chain (primary, secondary). */
  provider: string;
  model: string;
  kind: LlmErrorKind;
  /** The HTTP status of the provider's answer, when it answered with one. */
  status?: number | undefined;
}

/** What the LLM chain calls for every failed call. Never throws. */
export type LlmFailureHook = (failure: LlmFailure) => void;

interface PendingFailure extends LlmFailure {
  at: Date;
  sessionId: string | null;
}

/** Where the `llm_error` live event goes (the live service, once it exists). */
export interface LlmFailureEvents {
  record(
    tx: QueryRunner,
    events: Array<{ sessionId: null; audience: 'staff'; type: string; data: Record<string, unknown> }>,
  ): Promise<unknown>;
  announce(): void;
}

/** A service that answers chat turns: the conversation id is the request's, or the answer's. */
interface TurnHandler<Request extends { sessionId?: string | undefined }> {
  handleMessage(request: Request): Promise<{ sessionId: string }>;
}

/** Failures are written at most this often, each batch in one short transaction. */
const BATCH_MS = 250;
/** Failures waiting beyond this many (the database is unreachable for long) are dropped. */
const MAX_PENDING = 5_000;

export function createLlmFailureLog(deps: {
  db: Database;
  logger: Logger;
  events?: () => LlmFailureEvents | undefined;
}) {
  const { db, logger } = deps;
  const turns = new AsyncLocalStorage<PendingFailure[]>();
  let pending: PendingFailure[] = [];
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();
  let droppedSinceWarning = 0;

  async function write(batch: PendingFailure[]): Promise<void> {
    try {
      await db.transaction(async (tx) => {
        await tx.query(
          `INSERT INTO llm_failures (at, provider, model, kind, http_status, session_id)
           SELECT u.at::timestamptz, u.provider, u.model, u.kind, u.http_status::int, u.session_id
             FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
                  AS u(at, provider, model, kind, http_status, session_id)`,
          [
            batch.map((f) => f.at.toISOString()),
            batch.map((f) => f.provider),
            batch.map((f) => f.model),
            batch.map((f) => f.kind),
            batch.map((f) => (f.status === undefined ? null : String(f.status))),
            batch.map((f) => f.sessionId),
          ],
        );
        await deps.events?.()?.record(tx, [
          {
            sessionId: null,
            audience: 'staff',
            type: 'llm_error',
            data: { count: batch.length, kinds: [...new Set(batch.map((f) => f.kind))] },
          },
        ]);
      });
      deps.events?.()?.announce();
    } catch (err) {
      logger.warn({ err, failures: batch.length }, 'recording failed LLM calls failed; they are not counted');
    }
  }

  function flush(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const batch = pending;
    pending = [];
    if (batch.length > 0) writing = writing.then(() => write(batch));
    return writing;
  }

  function enqueue(failures: PendingFailure[]): void {
    if (pending.length + failures.length > MAX_PENDING) {
      if (droppedSinceWarning === 0) {
        logger.warn('too many failed LLM calls waiting to be recorded; dropping the newest');
      }
      droppedSinceWarning += failures.length;
      return;
    }
    droppedSinceWarning = 0;
    pending.push(...failures);
    timer ??= setTimeout(() => void flush(), BATCH_MS);
  }

  return {
    /** The hook for the LLM chain. */
    record: ((failure: LlmFailure) => {
      const entry: PendingFailure = {
        provider: failure.provider,
        model: failure.model,
        kind: failure.kind,
        status: failure.status,
        at: new Date(),
        sessionId: null,
      };
      const turn = turns.getStore();
      if (turn) turn.push(entry);
      else enqueue([entry]);
    }) satisfies LlmFailureHook,

    /**
     * The same service, whose turns record their LLM failures with the conversation id once the turn
     * ends (whether it succeeded or not).
     */
    observeTurns<Request extends { sessionId?: string | undefined }, S extends TurnHandler<Request>>(
      service: S,
    ): S {
      const handle = service.handleMessage.bind(service);
      return {
        ...service,
        async handleMessage(request: Request) {
          const failures: PendingFailure[] = [];
          let sessionId = request.sessionId ?? null;
          try {
            const response = await turns.run(failures, () => handle(request));
            sessionId = response.sessionId;
            return response;
          } finally {
            if (failures.length > 0) enqueue(failures.map((f) => ({ ...f, sessionId })));
          }
        },
      };
    },

    /** Writes what is waiting now (shutdown, tests). */
    flush,
  };
}

export type LlmFailureLog = ReturnType<typeof createLlmFailureLog>;
