/**
 * The data inventory: every table Frontdesk keeps, and for each column that holds personal data its
 * category, purpose, legal basis and retention. Entries are keyed by the drizzle table objects and
 * their column properties, so renaming or adding a column breaks the build until it is annotated
 * here; tests/privacy/inventory.test.ts checks the live database against this list (tables created by
 * hand-written SQL included) and that docs/data-inventory.md is generated from it.
 *
 * The inventory also drives erasure: each table holding customer data says how a person's rows are
 * found (through their conversations, their leads or the keyed hash of their address) and what
 * erasure does with them.
 */
import { getTableColumns, getTableName, type Table } from 'drizzle-orm';
import { blocklist } from '../abuse/tables.js';
import { auditLog } from '../audit/tables.js';
import { apiTokens, authLoginAttempts, staffSessions, staffSetupTokens, staffUsers } from '../auth/tables.js';
import { chatMessages } from '../chat/message-table.js';
import { chatSessions } from '../chat/tables.js';
import { handoffs } from '../handoff/tables.js';
import { leadCrmLinks, leadEffects, leadNotes, leads } from '../leads/tables.js';
import { llmFailures } from '../assistant/tables.js';
import { liveEvents, liveTickets } from '../live/tables.js';
import { uploads } from '../uploads/tables.js';
import { BACKUP_KEEP_DEFAULTS, rotationPolicy } from '../backups/rotation.js';
import { consentLog, privacyRequests } from './tables.js';

export type Category =
  | 'identity'
  | 'contact'
  | 'location'
  | 'content'
  | 'files'
  | 'preferences'
  | 'network'
  | 'identifier'
  | 'credentials';

export type LegalBasis = 'consent' | 'contract' | 'legitimate interest' | 'legal obligation';

export interface Purpose {
  id: string;
  en: string;
  pl: string;
  basis: LegalBasis;
}

/** Why Frontdesk processes personal data; the privacy policy lists these. */
export const PURPOSES = {
  enquiry: {
    id: 'enquiry',
    en: 'answering the questions a customer asks in the chat and preparing a quote at their request',
    pl: 'odpowiadanie na pytania zadane w czacie i przygotowanie wyceny na prośbę klienta',
    basis: 'contract',
  },
  contact: {
    id: 'contact',
    en: 'contacting the customer about their enquiry (call back, offer, consultation booking)',
    pl: 'kontakt w sprawie zapytania (oddzwonienie, oferta, umówienie konsultacji)',
    basis: 'consent',
  },
  marketing: {
    id: 'marketing',
    en: 'follow-up e-mails about the offer',
    pl: 'przypomnienia e-mail o ofercie',
    basis: 'consent',
  },
  security: {
    id: 'security',
    en: 'protecting the service from abuse and securing staff access',
    pl: 'ochrona usługi przed nadużyciami i zabezpieczenie dostępu personelu',
    basis: 'legitimate interest',
  },
  accountability: {
    id: 'accountability',
    en: 'proving consent and handling privacy requests',
    pl: 'wykazanie zgód i obsługa żądań dotyczących danych',
    basis: 'legal obligation',
  },
  staff: {
    id: 'staff',
    en: 'staff accounts of the admin panel',
    pl: 'konta personelu w panelu administracyjnym',
    basis: 'contract',
  },
} as const satisfies Record<string, Purpose>;

export type PurposeId = keyof typeof PURPOSES;

/** How long data is kept; each names the setting that controls it. */
export const RETENTION = {
  conversation:
    'anonymised RETENTION_CONVERSATION_MONTHS (default 12) months after the last message; erased on request',
  lead: 'anonymised or deleted (RETENTION_LEAD_ACTION) RETENTION_LEAD_MONTHS (default 24) months after the last change; erased on request',
  leadFollowsConversation: 'as the conversation or lead it belongs to',
  liveEvents: 'LIVE_EVENT_RETENTION_HOURS (default 48) hours',
  llmFailures: '90 days, then deleted by the retention job; erased with the conversation',
  blocklist: 'while the block lasts, plus a few hours',
  consent: 'kept as proof of consent; pseudonymous (keyed hash), never erased by requests',
  privacyRequest:
    'the address until the request is finished or its link expires (PRIVACY_LINK_TTL_HOURS); the pseudonymous record 36 months',
  audit: 'kept for accountability; pseudonymous (staff ids, keyed hash of the address)',
  staff: 'while the staff account exists',
  staffSession: 'until the session ends (AUTH_SESSION_TTL_SECONDS at most)',
  loginAttempts: 'until a successful sign-in or the lock ends',
  jobs: 'until delivered, then OUTBOX_RETENTION_DAYS (default 90) days in the queue archive',
} as const;

export type RetentionId = keyof typeof RETENTION;

export interface ColumnNote {
  category: Category;
  purpose: PurposeId;
  retention: RetentionId;
  /** What exactly the column holds, when the name does not say it. */
  note?: string;
}

/** A column that holds no personal data (ids, flags, timestamps, technical values). */
export const PLAIN = 'plain' as const;
type Annotation = ColumnNote | typeof PLAIN;

/** How the rows of one person are found in a table. */
export type SubjectLink = 'session' | 'lead' | 'subject';

export interface TableEntry {
  table: string;
  /** Whose data the table holds: a customer's, a staff member's, or nobody's. */
  holds: 'customer' | 'staff' | 'none';
  what: string;
  /** Where else copies live besides the database and its backups. */
  alsoIn?: string[];
  /** For customer tables: the column linking a row to a person, and through what. */
  link?: { column: string; by: SubjectLink };
  /** For customer tables: what erasure does (delete the rows, or keep them because they are pseudonymous). */
  erasure?: 'delete' | 'keep' | 'clear';
  columns: Record<string, Annotation>;
}

type ColumnsOf<T extends Table> = keyof T['_']['columns'];

interface Spec<T extends Table> {
  holds: TableEntry['holds'];
  what: string;
  alsoIn?: string[];
  link?: { column: ColumnsOf<T>; by: SubjectLink };
  erasure?: TableEntry['erasure'];
  /** Every column, annotated: the build fails when one is missing or renamed. */
  columns: Record<ColumnsOf<T>, Annotation>;
}

function entry<T extends Table>(table: T, spec: Spec<T>): TableEntry {
  const columns = getTableColumns(table) as Record<string, { name: string }>;
  const sqlName = (key: string) => {
    const column = columns[key];
    if (!column) throw new Error(`${getTableName(table)} has no column ${key}`);
    return column.name;
  };
  return {
    table: getTableName(table),
    holds: spec.holds,
    what: spec.what,
    ...(spec.alsoIn ? { alsoIn: spec.alsoIn } : {}),
    ...(spec.link ? { link: { column: sqlName(String(spec.link.column)), by: spec.link.by } } : {}),
    ...(spec.erasure ? { erasure: spec.erasure } : {}),
    columns: Object.fromEntries(
      Object.entries(spec.columns as Record<string, Annotation>).map(([key, a]) => [sqlName(key), a]),
    ),
  };
}

const c = (category: Category, purpose: PurposeId, retention: RetentionId, note?: string): ColumnNote => ({
  category,
  purpose,
  retention,
  ...(note ? { note } : {}),
});

const P = PLAIN;

export const INVENTORY: readonly TableEntry[] = [
  entry(chatSessions, {
    holds: 'customer',
    what: 'Chat and phone conversations: their state, including the details the customer gave',
    link: { column: 'id', by: 'session' },
    erasure: 'delete',
    columns: {
      id: c('identifier', 'enquiry', 'conversation', 'random conversation id'),
      secretHash: P,
      channel: P,
      locale: P,
      status: P,
      endReason: P,
      engine: P,
      llmTokensIn: P,
      llmTokensOut: P,
      llmCostUsd: P,
      state: c(
        'contact',
        'enquiry',
        'conversation',
        'name, e-mail, phone, city, area, budget and consent answers given in the chat; topics talked about',
      ),
      messageCount: P,
      version: P,
      createdAt: P,
      updatedAt: P,
      lastActivityAt: P,
      endedAt: P,
      nudgedAt: P,
      handoffStatus: P,
      anonymizedAt: P,
      deletedAt: P,
    },
  }),
  entry(chatMessages, {
    holds: 'customer',
    what: 'Every message of a conversation (customer, assistant, operator, system lines)',
    link: { column: 'sessionId', by: 'session' },
    erasure: 'delete',
    columns: {
      id: P,
      sessionId: c('identifier', 'enquiry', 'conversation'),
      role: P,
      text: c('content', 'enquiry', 'conversation', 'free text: may contain anything the customer wrote'),
      meta: c('content', 'enquiry', 'conversation', 'intent, quote, suggestions, attachment facts'),
      createdAt: P,
    },
  }),
  entry(leads, {
    holds: 'customer',
    what: 'Leads: people who asked to be contacted, with their consent',
    alsoIn: ['the CRM, webhook receiver, Slack and mailbox configured in docs/integrations.md'],
    link: { column: 'id', by: 'lead' },
    erasure: 'delete',
    columns: {
      id: P,
      source: P,
      sessionId: c('identifier', 'contact', 'lead'),
      idempotencyKey: P,
      firstName: c('identity', 'contact', 'lead'),
      email: c('contact', 'contact', 'lead'),
      phone: c('contact', 'contact', 'lead'),
      city: c('location', 'contact', 'lead'),
      areaM2: c('content', 'contact', 'lead', 'size of the property'),
      packageId: P,
      budgetPln: c('content', 'contact', 'lead'),
      quote: c('content', 'contact', 'lead'),
      message: c('content', 'contact', 'lead', 'free text of the contact form'),
      locale: P,
      processingConsent: c('preferences', 'contact', 'lead'),
      marketingConsent: c('preferences', 'marketing', 'lead'),
      consentAt: c('preferences', 'accountability', 'lead'),
      status: P,
      score: P,
      createdAt: P,
      updatedAt: P,
      anonymizedAt: P,
      deletedAt: P,
      idempotencyFingerprint: P,
      assigneeId: P,
      bookingRequestedAt: P,
      unsubscribedAt: c('preferences', 'marketing', 'lead'),
    },
  }),
  entry(leadNotes, {
    holds: 'customer',
    what: "Staff notes on a lead (free text about the customer; the author's staff id)",
    link: { column: 'leadId', by: 'lead' },
    erasure: 'delete',
    columns: {
      id: P,
      leadId: c('identifier', 'contact', 'leadFollowsConversation'),
      authorId: P,
      text: c('content', 'contact', 'leadFollowsConversation'),
      createdAt: P,
    },
  }),
  entry(leadEffects, {
    holds: 'customer',
    what: 'Which once-only outward effects a lead already had (confirmation e-mail, alerts, follow-ups)',
    link: { column: 'leadId', by: 'lead' },
    erasure: 'delete',
    columns: {
      leadId: c('identifier', 'contact', 'leadFollowsConversation'),
      effect: P,
      jobId: P,
      createdAt: P,
    },
  }),
  entry(leadCrmLinks, {
    holds: 'customer',
    what: "The CRM's and booking system's record id of a lead",
    link: { column: 'leadId', by: 'lead' },
    erasure: 'delete',
    columns: {
      leadId: c('identifier', 'contact', 'leadFollowsConversation'),
      provider: P,
      externalId: c('identifier', 'contact', 'leadFollowsConversation', 'id of the record at the provider'),
      syncedAt: P,
    },
  }),
  entry(uploads, {
    holds: 'customer',
    what: 'Files customers attached (photos, floor plans); the bytes are in the file storage',
    alsoIn: ['the file storage (UPLOAD_DIR or the S3 bucket)'],
    link: { column: 'sessionId', by: 'session' },
    erasure: 'delete',
    columns: {
      id: P,
      sessionId: c('identifier', 'enquiry', 'conversation'),
      leadId: c('identifier', 'contact', 'lead'),
      kind: P,
      contentType: P,
      size: P,
      sha256: P,
      originalName: c('content', 'enquiry', 'conversation', "the customer's file name"),
      storageKey: c('files', 'enquiry', 'conversation', 'the stored file: photos and plans of the property'),
      createdAt: P,
      deletedAt: P,
    },
  }),
  entry(handoffs, {
    holds: 'customer',
    what: 'Conversations handed to an operator: summary and the details known at that moment',
    link: { column: 'sessionId', by: 'session' },
    erasure: 'delete',
    columns: {
      id: P,
      sessionId: c('identifier', 'enquiry', 'conversation'),
      reason: P,
      status: P,
      summary: c('content', 'enquiry', 'conversation'),
      details: c('contact', 'enquiry', 'conversation', 'the customer details of the conversation'),
      outsideHours: P,
      claimedBy: P,
      createdAt: P,
      claimedAt: P,
      releasedAt: P,
      closedAt: P,
      updatedAt: P,
    },
  }),
  entry(liveEvents, {
    holds: 'customer',
    what: 'Live events for WebSocket clients that reconnect (messages, typing, handoff changes)',
    link: { column: 'sessionId', by: 'session' },
    erasure: 'delete',
    columns: {
      id: P,
      sessionId: c('identifier', 'enquiry', 'liveEvents'),
      audience: P,
      type: P,
      payload: c('content', 'enquiry', 'liveEvents', 'message texts and customer details of the event'),
      createdAt: P,
    },
  }),
  entry(llmFailures, {
    holds: 'customer',
    what: 'Failed LLM calls (provider, model, kind of failure), for the dashboard; no message text',
    link: { column: 'sessionId', by: 'session' },
    erasure: 'delete',
    columns: {
      id: P,
      at: P,
      provider: P,
      model: P,
      kind: P,
      httpStatus: P,
      sessionId: c('identifier', 'enquiry', 'llmFailures', 'the conversation whose reply failed'),
    },
  }),
  entry(blocklist, {
    holds: 'customer',
    what: 'Client addresses and chat sessions refused for a while',
    link: { column: 'value', by: 'session' },
    erasure: 'delete',
    columns: {
      id: P,
      kind: P,
      value: c('network', 'security', 'blocklist', 'an IP address (IPv6: its /64) or a chat session id'),
      reason: c('content', 'security', 'blocklist', "automatic reason or the staff member's text"),
      violations: P,
      createdBy: P,
      createdAt: P,
      expiresAt: P,
    },
  }),
  entry(consentLog, {
    holds: 'customer',
    what: 'Append-only history of consent given and withdrawn',
    link: { column: 'subjectHash', by: 'subject' },
    erasure: 'keep',
    columns: {
      id: P,
      at: c('preferences', 'accountability', 'consent'),
      subjectHash: c('identifier', 'accountability', 'consent', 'keyed hash of the e-mail or phone'),
      leadId: c('identifier', 'accountability', 'consent'),
      sessionId: c('identifier', 'accountability', 'consent'),
      purpose: P,
      oldValue: c('preferences', 'accountability', 'consent'),
      newValue: c('preferences', 'accountability', 'consent'),
      source: P,
      ipHash: c('network', 'accountability', 'consent', 'keyed hash of the client address'),
    },
  }),
  entry(privacyRequests, {
    holds: 'customer',
    what: 'Data export and erasure requests',
    link: { column: 'subjectHash', by: 'subject' },
    erasure: 'clear',
    columns: {
      id: P,
      kind: P,
      origin: P,
      status: P,
      email: c('contact', 'accountability', 'privacyRequest'),
      subjectHash: c('identifier', 'accountability', 'privacyRequest', 'keyed hash of the e-mail or phone'),
      locale: P,
      tokenHash: P,
      downloadTokenHash: P,
      ipHash: c('network', 'accountability', 'privacyRequest', 'keyed hash of the client address'),
      actorId: P,
      result: P,
      createdAt: P,
      expiresAt: P,
      verifiedAt: P,
      completedAt: P,
      downloadExpiresAt: P,
      downloadedAt: P,
    },
  }),
  entry(auditLog, {
    holds: 'staff',
    what: 'Append-only record of staff writes and security events',
    columns: {
      id: P,
      at: P,
      actorType: P,
      actorId: c('identifier', 'security', 'audit', 'staff user or API token id'),
      action: P,
      targetType: P,
      targetId: P,
      ipHash: c('network', 'security', 'audit', 'keyed hash of the client address'),
      requestId: P,
      details: P,
    },
  }),
  entry(staffUsers, {
    holds: 'staff',
    what: 'Staff accounts',
    columns: {
      id: P,
      email: c('contact', 'staff', 'staff'),
      name: c('identity', 'staff', 'staff'),
      passwordHash: c('credentials', 'staff', 'staff', 'argon2id hash'),
      role: P,
      disabled: P,
      createdAt: P,
      updatedAt: P,
      lastLoginAt: c('identity', 'security', 'staff'),
      passwordChangedAt: P,
    },
  }),
  entry(staffSessions, {
    holds: 'staff',
    what: 'Signed-in staff browser sessions',
    columns: {
      idHash: P,
      userId: c('identifier', 'security', 'staffSession'),
      csrfToken: P,
      createdAt: P,
      lastSeenAt: c('identity', 'security', 'staffSession'),
      rotatedAt: P,
      expiresAt: P,
    },
  }),
  entry(staffSetupTokens, {
    holds: 'none',
    what: 'One-time links that create the first admin',
    columns: { tokenHash: P, createdAt: P, expiresAt: P, usedAt: P },
  }),
  entry(authLoginAttempts, {
    holds: 'staff',
    what: 'Failed sign-in counters per account and per client address',
    columns: {
      key: c('network', 'security', 'loginAttempts', 'keyed hash of the account e-mail or the address'),
      failures: P,
      lastFailureAt: P,
      lockedUntil: P,
    },
  }),
  entry(apiTokens, {
    holds: 'staff',
    what: 'API tokens for integrations',
    columns: {
      id: P,
      name: P,
      tokenHash: P,
      prefix: P,
      role: P,
      scopes: P,
      createdBy: c('identifier', 'security', 'staff'),
      createdAt: P,
      expiresAt: P,
      lastUsedAt: P,
      revokedAt: P,
    },
  }),
  entry(liveTickets, {
    holds: 'staff',
    what: 'One-time tickets of the admin WebSocket',
    columns: {
      hash: P,
      staffId: c('identifier', 'security', 'staffSession'),
      staffKind: P,
      role: P,
      expiresAt: P,
      usedAt: P,
    },
  }),
];

/** Tables made by hand-written SQL (no drizzle definition): annotated by name. */
export const SQL_ONLY_TABLES: readonly TableEntry[] = [
  {
    table: 'frontdesk_scheduled_tasks',
    holds: 'none',
    what: 'When each periodic task last ran',
    columns: {
      name: P,
      last_started_at: P,
      last_finished_at: P,
      last_error: P,
      runs: P,
    },
  },
  {
    table: 'frontdesk_migrations',
    holds: 'none',
    what: 'Applied database migrations',
    columns: { name: P, checksum: P, applied_at: P },
  },
];

/** Stores outside the tables above that can hold personal data. */
export const OTHER_STORES = [
  {
    name: 'Job queue (schema pgboss)',
    what: 'Pending and archived deliveries of outward effects and privacy e-mails. Payloads carry lead and request ids only; the data itself is read when the job runs.',
    retention: RETENTION.jobs,
    erasure: "a person's pending and archived jobs are deleted with their leads",
  },
  {
    name: 'File storage',
    what: 'Uploaded files (UPLOAD_DIR or the S3 bucket), named by random id.',
    retention: RETENTION.conversation,
    erasure: 'deleted with their upload rows',
  },
  {
    name: 'Logs',
    what: 'JSON log lines. E-mail addresses, phone numbers and names are masked before they are written (src/platform/pii.ts); conversation ids appear in clear.',
    retention: 'as long as the log platform keeps them',
    erasure: 'nothing to erase: no personal data in clear',
  },
  {
    name: 'Redis (optional)',
    what: 'Rate-limit counters keyed by client address (one minute), pub/sub of live events (not stored).',
    retention: 'about one minute',
    erasure: 'expires by itself',
  },
  {
    name: 'Backups',
    what: 'Copies of the database and the file storage.',
    retention: 'until rotation removes them (the rotation is below)',
    erasure:
      'not edited; an erased person stays in older backups until they rotate out, and a restore applies the erasures made since the backup again',
  },
] as const;

/** The backup rotation the erasure record and the policy cite (the backups module's defaults). */
export const BACKUP_ROTATION: { readonly en: string; readonly pl: string; readonly maxDays: number } =
  rotationPolicy(BACKUP_KEEP_DEFAULTS);

export function allTables(): readonly TableEntry[] {
  return [...INVENTORY, ...SQL_ONLY_TABLES];
}

export function customerTables(): TableEntry[] {
  return INVENTORY.filter((t) => t.holds === 'customer');
}

/** Purposes used by at least one column of customer data, in inventory order. */
export function customerPurposes(): Purpose[] {
  const ids = new Set<PurposeId>();
  for (const t of customerTables()) {
    for (const a of Object.values(t.columns)) if (a !== PLAIN) ids.add(a.purpose);
  }
  return [...ids].map((id) => PURPOSES[id]);
}
