/**
 * E-mail over SMTP (nodemailer): the customer's confirmation in their language, the staff notice and
 * the follow-ups. Texts are data: knowledge/emails/<locale>.yaml. Every customer e-mail carries the
 * List-Unsubscribe header built by `listUnsubscribeHeaders` from the links the privacy module supplies.
 */
import fs from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { PermanentProviderError, TransientProviderError, type ProviderPolicy } from './resilience.js';

export interface MailSettings {
  smtpUrl: string;
  from: string;
  timeoutMs: number;
}

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  /** Stable per effect, so a retried message is recognisably the same message. */
  messageId: string;
  headers?: Record<string, string>;
}

export interface MailAdapter {
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

/** Where a recipient can unsubscribe: an HTTPS link (one-click, RFC 8058) and/or a mailto: address. */
export interface UnsubscribeLinks {
  url?: string;
  mailto?: string;
  /** A line for the end of the e-mail body (the unsubscribe link for people). */
  footer?: string;
}

/** Builds the unsubscribe links of one recipient; supplied by the privacy module. */
export type UnsubscribeLinkBuilder = (recipient: {
  leadId: string;
  email: string;
  locale?: string;
}) => UnsubscribeLinks | undefined;

/** The List-Unsubscribe (and List-Unsubscribe-Post for one-click) headers for these links. */
export function listUnsubscribeHeaders(links: UnsubscribeLinks | undefined): Record<string, string> {
  if (!links || (!links.url && !links.mailto)) return {};
  const parts = [links.url, links.mailto ? `mailto:${links.mailto.replace(/^mailto:/, '')}` : undefined]
    .filter((p): p is string => Boolean(p))
    .map((p) => `<${p}>`);
  return {
    'List-Unsubscribe': parts.join(', '),
    ...(links.url ? { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } : {}),
  };
}

export function createMailAdapter(settings: MailSettings, policy: ProviderPolicy): MailAdapter {
  const transport = nodemailer.createTransport(settings.smtpUrl, {
    connectionTimeout: settings.timeoutMs,
    greetingTimeout: settings.timeoutMs,
    socketTimeout: settings.timeoutMs,
  } as Parameters<typeof nodemailer.createTransport>[1]);
  return {
    async send(mail) {
      await policy.execute(async () => {
        try {
          await transport.sendMail({
            from: settings.from,
            to: mail.to,
            subject: mail.subject,
            text: mail.text,
            messageId: mail.messageId,
            ...(mail.headers ? { headers: mail.headers } : {}),
          });
        } catch (err) {
          const e = err as { responseCode?: number; code?: string; message?: string };
          if (typeof e.responseCode === 'number' && e.responseCode >= 500 && e.responseCode < 600) {
            throw new PermanentProviderError(`SMTP refused the message: ${e.responseCode}`);
          }
          throw new TransientProviderError(`SMTP delivery failed: ${e.responseCode ?? e.code ?? 'error'}`);
        }
      });
    },
    close() {
      transport.close();
    },
  };
}

const templateSchema = z.object({ subject: z.string().min(1), text: z.string().min(1) });
const greetingSchema = z.object({ named: z.string().min(1), anonymous: z.string().min(1) });
const templateFileSchema = z.record(z.string(), z.union([templateSchema, greetingSchema]));

export type MailTemplate = z.infer<typeof templateSchema>;

/** Reads knowledge/emails/<locale>.yaml (falling back to pl, then en) and returns one template. */
export function loadMailTemplate(knowledgeDir: string, locale: string, key: string): MailTemplate {
  for (const candidate of [locale, 'pl', 'en']) {
    if (!/^[a-z]{2}$/.test(candidate)) continue;
    const file = path.join(knowledgeDir, 'emails', `${candidate}.yaml`);
    if (!fs.existsSync(file)) continue;
    const parsed = templateFileSchema.safeParse(parseYaml(fs.readFileSync(file, 'utf8')));
    if (!parsed.success) throw new PermanentProviderError(`${file} is not a valid template file`);
    const template = parsed.data[key];
    if (template && 'subject' in template) return template;
  }
  throw new PermanentProviderError(`no e-mail template "${key}" in ${path.join(knowledgeDir, 'emails')}`);
}

/** The greeting line of a language (the `greeting` entry: `named` with {name}, and `anonymous`). */
export function loadGreeting(knowledgeDir: string, locale: string, name: string | null): string {
  for (const candidate of [locale, 'pl', 'en']) {
    if (!/^[a-z]{2}$/.test(candidate)) continue;
    const file = path.join(knowledgeDir, 'emails', `${candidate}.yaml`);
    if (!fs.existsSync(file)) continue;
    const parsed = templateFileSchema.safeParse(parseYaml(fs.readFileSync(file, 'utf8')));
    const greeting = parsed.success ? parsed.data.greeting : undefined;
    if (greeting && 'named' in greeting) {
      return name ? renderTemplate(greeting.named, { name }) : greeting.anonymous;
    }
  }
  return '';
}

/** Replaces {placeholders}; unknown ones become empty. */
export function renderTemplate(
  text: string,
  values: Record<string, string | number | null | undefined>,
): string {
  return text.replace(/\{([a-zA-Z]+)\}/g, (_, name: string) => {
    const v = values[name];
    return v === null || v === undefined ? '' : String(v);
  });
}
