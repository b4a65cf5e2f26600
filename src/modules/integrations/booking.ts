/**
 * Booking requests to a Cal.com-style API: POST {BOOKING_API_URL}/bookings with the event type, the
 * attendee and the lead id; the event id goes as Idempotency-Key so a retried request books once.
 */
import type { LeadRow } from '../leads/service.js';
import { postJson } from './http.js';
import { TransientProviderError, type ProviderPolicy } from './resilience.js';

export interface BookingSettings {
  apiUrl: string;
  apiKey: string;
  eventTypeId: string;
}

export interface BookingAdapter {
  request(lead: LeadRow, eventId: string, timeZone: string): Promise<string>;
}

export function createBookingAdapter(settings: BookingSettings, policy: ProviderPolicy): BookingAdapter {
  const url = `${settings.apiUrl.replace(/\/+$/, '')}/bookings`;
  return {
    async request(lead, eventId, timeZone) {
      const eventTypeId = /^\d+$/.test(settings.eventTypeId)
        ? Number(settings.eventTypeId)
        : settings.eventTypeId;
      const { json } = await policy.execute((signal) =>
        postJson(
          url,
          {
            eventTypeId,
            attendee: {
              name: lead.firstName ?? '',
              email: lead.email ?? undefined,
              phoneNumber: lead.phone ?? undefined,
              timeZone,
              language: lead.locale,
            },
            metadata: { leadId: lead.id, eventId },
          },
          {
            authorization: `Bearer ${settings.apiKey}`,
            'idempotency-key': eventId,
            'cal-api-version': '2024-08-13',
          },
          signal,
        ),
      );
      const body = (json ?? {}) as { id?: unknown; uid?: unknown; data?: { id?: unknown; uid?: unknown } };
      const id = body.data?.uid ?? body.data?.id ?? body.uid ?? body.id;
      if (id === undefined || id === null)
        throw new TransientProviderError('booking API answered without an id');
      return String(id);
    },
  };
}
