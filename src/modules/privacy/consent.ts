/**
 * Writes consent changes to the append-only consent log, under the keyed hash of the person's e-mail
 * (or phone) and of their client address. The leads module reports consent given in the chat and the
 * form through `record`; unsubscribe and erasure write their own entries.
 */
import type { QueryRunner } from '../../platform/db/database.js';
import { createPrivacyRepository, type ConsentEntry } from './repository.js';
import { createHasher, subjectOf } from './subject.js';

export interface ConsentChange {
  leadId: string | null;
  sessionId: string | null;
  email: string | null;
  phone: string | null;
  purpose: 'processing' | 'marketing';
  /** null: nothing was recorded before. */
  old: boolean | null;
  new: boolean;
  source: ConsentEntry['source'];
  clientIp?: string | undefined;
}

export function createConsentRecorder(deps: { secret: string }) {
  const hasher = createHasher(deps.secret);
  const value = (v: boolean | null) => (v === null ? 'unknown' : v ? 'given' : 'withdrawn');
  return {
    async record(tx: QueryRunner, change: ConsentChange): Promise<void> {
      await createPrivacyRepository(tx).recordConsent(tx, [
        {
          subjectHash: hasher.primaryHash(subjectOf(change)),
          leadId: change.leadId,
          sessionId: change.sessionId,
          purpose: change.purpose,
          oldValue: value(change.old),
          newValue: change.new ? 'given' : 'withdrawn',
          source: change.source,
          ipHash: change.clientIp ? hasher.ip(change.clientIp) : null,
        },
      ]);
    },
  };
}

export type ConsentRecorder = ReturnType<typeof createConsentRecorder>;
