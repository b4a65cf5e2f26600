/**
 * The outward effects of lead changes (the outbox). They are queued in the transaction of the change
 * that causes them, so an effect exists exactly when its change commits; the integrations module
 * delivers them. Effects that may happen only once per lead are guarded by a row in lead_effects.
 */
import type { QueryRunner } from '../../platform/db/database.js';
import type { EnqueueOptions } from '../../platform/jobs/queue.js';
import { createLeadRepository, type LeadRow } from './repository.js';

/** Queue names of the lead effects (also the `effect` label of the outbox metrics). */
export const LEAD_EFFECT = {
  crmSync: 'lead-crm-sync',
  webhook: 'lead-webhook',
  slackHotLead: 'lead-slack-hot',
  staffEmail: 'lead-staff-email',
  customerEmail: 'lead-customer-email',
  booking: 'lead-booking-request',
  followup: 'lead-followup-email',
} as const;

export type LeadEventType = 'lead.created' | 'lead.updated' | 'lead.status_changed';

export interface LeadEffectPayload extends Record<string, unknown> {
  leadId: string;
  event?: LeadEventType;
  status?: string;
  previousStatus?: string;
  /** Follow-up step id. */
  step?: string;
}

/** What the lead service needs of the job queue. */
export interface EffectQueue {
  enqueue(
    runner: QueryRunner,
    name: string,
    payload: LeadEffectPayload,
    options?: EnqueueOptions,
  ): Promise<string | null>;
}

export interface EffectPolicy {
  /** Score from which a lead is hot (Slack alert). */
  hotLeadMinScore: number;
}

export interface LeadChange {
  type: LeadEventType;
  previousStatus?: string;
  /** Details of the lead changed in a way worth telling the CRM and the webhook (chat updates). */
  detailsChanged?: boolean;
}

/** Queues an effect at most once per lead; returns the job id when it was queued now. */
export async function queueOnce(
  tx: QueryRunner,
  queue: EffectQueue,
  leadId: string,
  effect: string,
  name: string,
  payload: LeadEffectPayload,
): Promise<string | null> {
  const repo = createLeadRepository(tx);
  if (!(await repo.claimEffect(leadId, effect))) return null;
  const jobId = await queue.enqueue(tx, name, payload);
  await repo.setEffectJob(leadId, effect, jobId);
  return jobId;
}

/** Queues every effect a change of this lead causes. Call inside the change's transaction. */
export async function queueLeadEffects(
  tx: QueryRunner,
  queue: EffectQueue,
  lead: LeadRow,
  change: LeadChange,
  policy: EffectPolicy,
): Promise<void> {
  const leadId = lead.id;
  const tellOutside = change.type !== 'lead.updated' || change.detailsChanged === true;
  if (tellOutside) {
    // One pending CRM sync per lead is enough: it reads the lead when it runs.
    await queue.enqueue(tx, LEAD_EFFECT.crmSync, { leadId }, { singletonKey: leadId });
    await queue.enqueue(tx, LEAD_EFFECT.webhook, {
      leadId,
      event: change.type,
      status: lead.status,
      ...(change.previousStatus ? { previousStatus: change.previousStatus } : {}),
    });
  }
  if (change.type === 'lead.created') {
    await queueOnce(tx, queue, leadId, 'staff.notification', LEAD_EFFECT.staffEmail, { leadId });
  }
  if (lead.email && change.type !== 'lead.status_changed') {
    await queueOnce(tx, queue, leadId, 'customer.confirmation', LEAD_EFFECT.customerEmail, { leadId });
  }
  if (lead.score >= policy.hotLeadMinScore && ['new', 'contacted', 'qualified'].includes(lead.status)) {
    await queueOnce(tx, queue, leadId, 'slack.hot_lead', LEAD_EFFECT.slackHotLead, { leadId });
  }
  if (lead.bookingRequestedAt && (lead.email || lead.phone)) {
    await queueOnce(tx, queue, leadId, 'booking.request', LEAD_EFFECT.booking, { leadId });
  }
}
