/** monday.com CRM: one item per lead on a board, created once and then updated (GraphQL API). */
import type { LeadRow } from '../leads/service.js';
import { postJson } from './http.js';
import { PermanentProviderError, TransientProviderError, type ProviderPolicy } from './resilience.js';

export interface MondaySettings {
  apiUrl: string;
  token: string;
  boardId: string;
  /** Lead field → column id (fields: leadId, email, phone, city, status, score, source, package, area, locale, message). */
  columnMap: Record<string, string>;
}

export interface CrmAdapter {
  readonly name: string;
  /** Creates the lead's item (no `itemId`) or updates it; returns the item id. */
  upsert(lead: LeadRow, itemId: string | undefined, eventId: string): Promise<string>;
}

const CREATE = `mutation ($board: ID!, $name: String!, $values: JSON!) {
  create_item (board_id: $board, item_name: $name, column_values: $values, create_labels_if_missing: true) { id }
}`;
const UPDATE = `mutation ($board: ID!, $item: ID!, $values: JSON!) {
  change_multiple_column_values (board_id: $board, item_id: $item, column_values: $values, create_labels_if_missing: true) { id }
}`;

function fieldValues(lead: LeadRow): Record<string, string | number | null> {
  return {
    leadId: lead.id,
    email: lead.email,
    phone: lead.phone,
    city: lead.city,
    status: lead.status,
    score: lead.score,
    source: lead.source,
    package: lead.packageId,
    area: lead.areaM2,
    locale: lead.locale,
    message: lead.message,
  };
}

/** Column values in monday.com's formats: e-mail, phone and status columns take objects. */
export function mondayColumnValues(
  lead: LeadRow,
  columnMap: Record<string, string>,
): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  const fields = fieldValues(lead);
  for (const [field, column] of Object.entries(columnMap)) {
    const value = fields[field];
    if (value === null || value === undefined) continue;
    if (column.startsWith('email')) values[column] = { email: String(value), text: String(value) };
    else if (column.startsWith('phone'))
      values[column] = { phone: String(value).replace(/[^\d+]/g, ''), countryShortName: 'PL' };
    else if (column.startsWith('status')) values[column] = { label: String(value) };
    else if (column.startsWith('numbers') || column.startsWith('numeric')) values[column] = String(value);
    else values[column] = String(value);
  }
  return values;
}

export function createMondayAdapter(settings: MondaySettings, policy: ProviderPolicy): CrmAdapter {
  return {
    name: 'monday',
    async upsert(lead, itemId, eventId) {
      const values = JSON.stringify(mondayColumnValues(lead, settings.columnMap));
      const name = [lead.firstName, lead.city].filter(Boolean).join(' — ') || `Lead ${lead.id.slice(0, 8)}`;
      const query = itemId ? UPDATE : CREATE;
      const variables = itemId
        ? { board: settings.boardId, item: itemId, values }
        : { board: settings.boardId, name, values };
      const { json } = await policy.execute((signal) =>
        postJson(
          settings.apiUrl,
          { query, variables },
          { authorization: settings.token, 'api-version': '2024-10', 'x-frontdesk-event-id': eventId },
          signal,
        ),
      );
      const body = (json ?? {}) as {
        data?: Record<string, { id?: string } | null>;
        errors?: Array<{ message?: string; extensions?: { code?: string } }>;
        error_code?: string;
      };
      if (body.errors?.length || body.error_code) {
        const code = body.errors?.[0]?.extensions?.code ?? body.error_code ?? 'error';
        const transient = /complexity|rate|limit|internal/i.test(code);
        const message = `monday.com answered ${code}`;
        throw transient ? new TransientProviderError(message) : new PermanentProviderError(message);
      }
      const id = body.data?.[itemId ? 'change_multiple_column_values' : 'create_item']?.id;
      if (!id) throw new TransientProviderError('monday.com answered without an item id');
      return String(id);
    },
  };
}
