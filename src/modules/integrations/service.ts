/**
 * Delivery of the outbox: one job per effect (effects are queued by the leads module in the
 * transaction of the change), delivered by the adapter of its provider. A provider without settings is
 * disabled and its effects finish as `skipped`. Dead letters are listed, redriven and discarded here.
 */
import type { JobContext, JobOutcome, JobQueue } from '../../platform/jobs/queue.js';
import type { Logger } from '../../platform/logger.js';
import type { Metrics } from '../../platform/metrics.js';
import type { KnowledgeReader } from '../knowledge/types.js';
import { LEAD_EFFECT, type LeadEffectPayload } from '../leads/effects.js';
import type { LeadRow, LeadService } from '../leads/service.js';
import { createBookingAdapter, type BookingAdapter, type BookingSettings } from './booking.js';
import {
  createMailAdapter,
  listUnsubscribeHeaders,
  loadGreeting,
  loadMailTemplate,
  renderTemplate,
  type MailAdapter,
  type UnsubscribeLinkBuilder,
} from './mail.js';
import { createMondayAdapter, type CrmAdapter, type MondaySettings } from './monday.js';
import {
  createIntegrationMetrics,
  createProviderPolicy,
  type BreakerState,
  type ProviderPolicy,
  type ResilienceSettings,
} from './resilience.js';
import { createSlackAdapter, type SlackAdapter } from './slack.js';
import { createWebhookAdapter, type WebhookAdapter, type WebhookSettings } from './webhook.js';

export interface IntegrationSettings extends ResilienceSettings {
  monday: MondaySettings | undefined;
  webhook: WebhookSettings | undefined;
  slack: { webhookUrl: string; hotLeadMinScore: number } | undefined;
  mail: { smtpUrl: string; from: string; staffTo: string | undefined } | undefined;
  booking: BookingSettings | undefined;
}

export interface IntegrationDeps {
  settings: IntegrationSettings;
  queue: JobQueue;
  leads: LeadService;
  knowledge: KnowledgeReader;
  knowledgeDir: string;
  publicUrl: string;
  metrics: Metrics;
  logger: Logger;
  /** Language of the staff notice. */
  staffLocale?: string;
}

type Payload = LeadEffectPayload;

const skipped = (detail: string): JobOutcome => ({ status: 'skipped', detail });
const delivered = (detail?: string): JobOutcome => ({ status: 'delivered', ...(detail ? { detail } : {}) });

export function createIntegrationService(deps: IntegrationDeps) {
  const { settings, queue, leads, knowledge, logger } = deps;
  const im = createIntegrationMetrics(deps.metrics);
  const followupsSent = new deps.metrics.client.Counter({
    name: 'frontdesk_followups_sent_total',
    help: 'Follow-up e-mails sent, by step',
    labelNames: ['step'] as const,
    registers: [deps.metrics.registry],
  });
  const policies = new Map<string, ProviderPolicy>();
  const policy = (name: string) => {
    let p = policies.get(name);
    if (!p) {
      p = createProviderPolicy(name, settings, im, logger);
      policies.set(name, p);
    }
    return p;
  };

  const crm: CrmAdapter | undefined = settings.monday
    ? createMondayAdapter(settings.monday, policy('monday'))
    : undefined;
  const webhook: WebhookAdapter | undefined = settings.webhook
    ? createWebhookAdapter(settings.webhook, policy('webhook'))
    : undefined;
  const slack: SlackAdapter | undefined = settings.slack
    ? createSlackAdapter(settings.slack.webhookUrl, policy('slack'))
    : undefined;
  const mail: MailAdapter | undefined = settings.mail
    ? createMailAdapter({ ...settings.mail, timeoutMs: settings.timeoutMs }, policy('smtp'))
    : undefined;
  const booking: BookingAdapter | undefined = settings.booking
    ? createBookingAdapter(settings.booking, policy('booking'))
    : undefined;
  let unsubscribeLinks: UnsubscribeLinkBuilder | undefined;

  const available = (name: string) => () => policies.get(name)?.isAvailable() ?? true;
  const adminUrl = (leadId: string) => `${deps.publicUrl}/admin/leads/${leadId}`;

  function templateValues(lead: LeadRow): Record<string, string | number | null> {
    const business = knowledge.snapshot().business;
    return {
      name: lead.firstName,
      business: business.name,
      phone: business.phone,
      email: business.email,
      bookingUrl: business.bookingUrl,
      package: lead.packageId ? (knowledge.findPackage(lead.packageId)?.name ?? lead.packageId) : '—',
      area: lead.areaM2 === null ? '—' : `${lead.areaM2} m²`,
      city: lead.city ?? '—',
      score: lead.score,
      source: lead.source,
      adminUrl: adminUrl(lead.id),
      leadId: lead.id,
    };
  }

  async function sendTemplate(
    job: JobContext<Payload>,
    lead: LeadRow,
    to: string,
    locale: string,
    key: string,
    customer: boolean,
  ): Promise<void> {
    const template = loadMailTemplate(deps.knowledgeDir, locale, key);
    const values = {
      ...templateValues(lead),
      greeting: loadGreeting(deps.knowledgeDir, locale, lead.firstName),
    };
    const links = customer ? unsubscribeLinks?.({ leadId: lead.id, email: to, locale }) : undefined;
    const headers = listUnsubscribeHeaders(links);
    const body = renderTemplate(template.text, values);
    await mail!.send({
      to,
      subject: renderTemplate(template.subject, values),
      text: links?.footer ? `${body.trimEnd()}\n\n-- \n${links.footer}\n` : body,
      messageId: `<${job.data.eventId}@frontdesk>`,
      headers: { 'X-Frontdesk-Event-Id': job.data.eventId, ...headers },
    });
  }

  async function leadOf(job: JobContext<Payload>): Promise<LeadRow | undefined> {
    return leads.forDelivery(job.data.payload.leadId);
  }

  queue.define<Payload>({
    name: LEAD_EFFECT.crmSync,
    policy: 'coalesce',
    isAvailable: available('monday'),
    async handler(job) {
      if (!crm) return skipped('CRM not configured');
      const lead = await leadOf(job);
      if (!lead) return skipped('lead no longer exists');
      const existing = await leads.crmLink(lead.id, crm.name);
      const itemId = await crm.upsert(lead, existing, job.data.eventId);
      if (itemId !== existing) await leads.saveCrmLink(lead.id, crm.name, itemId);
      return delivered(existing ? 'updated' : 'created');
    },
  });

  queue.define<Payload>({
    name: LEAD_EFFECT.webhook,
    isAvailable: available('webhook'),
    async handler(job) {
      if (!webhook) return skipped('webhook not configured');
      const lead = await leadOf(job);
      const p = job.data.payload;
      await webhook.send({
        id: job.data.eventId,
        type: p.event ?? 'lead.updated',
        occurredAt: job.data.queuedAt,
        data: {
          leadId: p.leadId,
          ...(p.previousStatus ? { previousStatus: p.previousStatus } : {}),
          lead: lead ? leadPayload(lead, adminUrl(lead.id)) : null,
        },
      });
      return delivered();
    },
  });

  queue.define<Payload>({
    name: LEAD_EFFECT.slackHotLead,
    isAvailable: available('slack'),
    async handler(job) {
      if (!slack) return skipped('Slack not configured');
      const lead = await leadOf(job);
      if (!lead) return skipped('lead no longer exists');
      const facts = [
        lead.city,
        lead.packageId,
        lead.areaM2 === null ? null : `${lead.areaM2} m²`,
        lead.source,
      ].filter(Boolean);
      await slack.post({
        text: `:fire: Hot lead — score ${lead.score}/100 (${facts.join(', ')}). <${adminUrl(lead.id)}|Open in Frontdesk>`,
      });
      return delivered();
    },
  });

  queue.define<Payload>({
    name: LEAD_EFFECT.staffEmail,
    isAvailable: available('smtp'),
    async handler(job) {
      if (!mail || !settings.mail?.staffTo) return skipped('staff e-mail not configured');
      const lead = await leadOf(job);
      if (!lead) return skipped('lead no longer exists');
      await sendTemplate(
        job,
        lead,
        settings.mail.staffTo,
        deps.staffLocale ?? 'pl',
        'staff_notification',
        false,
      );
      return delivered();
    },
  });

  queue.define<Payload>({
    name: LEAD_EFFECT.customerEmail,
    isAvailable: available('smtp'),
    async handler(job) {
      if (!mail) return skipped('e-mail not configured');
      const lead = await leadOf(job);
      if (!lead?.email) return skipped('no e-mail address');
      await sendTemplate(job, lead, lead.email, lead.locale, 'customer_confirmation', true);
      return delivered();
    },
  });

  queue.define<Payload>({
    name: LEAD_EFFECT.booking,
    isAvailable: available('booking'),
    async handler(job) {
      if (!booking) return skipped('booking API not configured; customers use the booking link');
      const lead = await leadOf(job);
      if (!lead) return skipped('lead no longer exists');
      const id = await booking.request(lead, job.data.eventId, knowledge.snapshot().business.timezone);
      await leads.saveCrmLink(lead.id, 'booking', id);
      return delivered();
    },
  });

  queue.define<Payload>({
    name: LEAD_EFFECT.followup,
    isAvailable: available('smtp'),
    async handler(job) {
      if (!mail) return skipped('e-mail not configured');
      const stepId = job.data.payload.step ?? '';
      const step = leads.followupStep(stepId);
      if (!step) return skipped('step no longer in followups.yaml');
      // Checked at send time: an unsubscribe or a booking after queueing stops the e-mail.
      if (!(await leads.followupAllowed(job.data.payload.leadId))) return skipped('not allowed any more');
      const lead = await leadOf(job);
      if (!lead?.email) return skipped('no e-mail address');
      await sendTemplate(job, lead, lead.email, lead.locale, step.template, true);
      followupsSent.inc({ step: step.id });
      return delivered();
    },
  });

  return {
    /** Which providers are configured. */
    adapters(): Record<string, boolean> {
      return {
        monday: Boolean(crm),
        webhook: Boolean(webhook),
        slack: Boolean(slack),
        smtp: Boolean(mail),
        booking: Boolean(booking),
      };
    },
    /** Each provider: configured or not, and its circuit breaker (null when not configured). */
    status(): Array<{ adapter: string; configured: boolean; breaker: BreakerState | null }> {
      const configured: Record<string, boolean> = {
        monday: Boolean(crm),
        webhook: Boolean(webhook),
        slack: Boolean(slack),
        smtp: Boolean(mail),
        booking: Boolean(booking),
      };
      return Object.entries(configured).map(([adapter, isConfigured]) => ({
        adapter,
        configured: isConfigured,
        breaker: policies.get(adapter)?.breakerState() ?? null,
      }));
    },
    /**
     * Sends one e-mail through the SMTP provider (timeout, retries, circuit breaker, metrics). False
     * when e-mail is not configured. For jobs of other modules (privacy request links).
     */
    async sendMail(message: {
      to: string;
      subject: string;
      text: string;
      messageId: string;
    }): Promise<boolean> {
      if (!mail) return false;
      await mail.send(message);
      return true;
    },
    /** The privacy module supplies the unsubscribe links of customer e-mails here. */
    setUnsubscribeLinkBuilder(builder: UnsubscribeLinkBuilder | undefined) {
      unsubscribeLinks = builder;
    },
    deadLetters: queue.deadLetters,
    close() {
      mail?.close();
    },
  };
}

/** What the webhook tells receivers about a lead. */
function leadPayload(lead: LeadRow, adminUrl: string): Record<string, unknown> {
  return {
    id: lead.id,
    source: lead.source,
    status: lead.status,
    score: lead.score,
    name: lead.firstName,
    email: lead.email,
    phone: lead.phone,
    city: lead.city,
    areaM2: lead.areaM2,
    packageId: lead.packageId,
    message: lead.message,
    locale: lead.locale,
    marketingConsent: lead.marketingConsent,
    conversationId: lead.sessionId,
    createdAt: lead.createdAt.toISOString(),
    updatedAt: lead.updatedAt.toISOString(),
    adminUrl,
  };
}

export type IntegrationService = ReturnType<typeof createIntegrationService>;
