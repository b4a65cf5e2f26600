/** The dashboard summary against the real app and database: counts, conversion, reply time, buckets. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../../../tests/helpers/database.js';
import { startTestServer, type TestServer } from '../../../tests/helpers/server.js';
import { chat, startChat, waitFor } from '../../../tests/live/helpers.js';
import { setupAdmin, type StaffClient } from '../../../tests/security/staff-client.js';

interface Summary {
  range: string;
  now: {
    activeConversations: number;
    conversationsToday: number;
    leadsToday: number;
    handoffsWaiting: number;
  };
  totals: {
    conversations: number;
    leads: number;
    handoffs: number;
    conversion: number | null;
    replyP95Seconds: number | null;
    replies: number;
    llmErrors: number;
    llmErrorsByKind: Record<string, number>;
  };
  series: Array<{ start: string; conversations: number; leads: number; handoffs: number }>;
}

describe.each(databaseTargets())('analytics summary (%s)', (database) => {
  let server: TestServer;
  let admin: StaffClient;

  beforeAll(async () => {
    server = await startTestServer({ database, env: { RATE_LIMIT_ENABLED: 'false' } });
    admin = await setupAdmin(server);
  });
  afterAll(async () => {
    await server?.close();
  });

  const summary = async (range: string): Promise<Summary> => {
    const res = await admin.call('GET', `/api/v1/admin/analytics/summary?range=${range}`);
    expect(res.status).toBe(200);
    return (await res.json()) as Summary;
  };

  it('is empty on a fresh installation, with a bucket per hour or day', async () => {
    const day = await summary('day');
    expect(day.totals).toMatchObject({ conversations: 0, leads: 0, handoffs: 0, conversion: null });
    expect(day.totals.replyP95Seconds).toBeNull();
    expect(day.series).toHaveLength(24);
    expect(day.series[23]!.start.slice(14)).toBe('00');
    expect((await summary('week')).series).toHaveLength(7);
    const month = await summary('month');
    expect(month.series).toHaveLength(30);
    expect(month.series[29]!.start.slice(11)).toBe('00:00');
  });

  it('counts conversations, leads, handoffs and conversion; reply time includes an operator answering later', async () => {
    await startChat(server.url, 'Dzień dobry, ile kosztuje pakiet Comfort za 50 m2?');
    const waiting = await startChat(server.url, 'Chcę porozmawiać z konsultantem');
    expect(waiting.answer.handoff?.status).toBe('waiting');
    const lead = await fetch(`${server.url}/api/v1/leads`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'Ewa',
        email: 'ewa@example.pl',
        city: 'Warszawa',
        consent: { processing: true, marketing: false },
        locale: 'pl',
      }),
    });
    expect(lead.status).toBe(201);

    // The operator takes over; the customer writes; the operator answers a moment later.
    const queue = (await (await admin.call('GET', '/api/v1/admin/handoffs?status=waiting')).json()) as {
      handoffs: Array<{ id: string; sessionId: string }>;
    };
    const handoff = queue.handoffs.find((h) => h.sessionId === waiting.sessionId)!;
    expect((await admin.call('POST', `/api/v1/admin/handoffs/${handoff.id}/claim`)).status).toBe(200);
    const silent = await chat(server.url, 'Czy jest ktoś?', waiting);
    expect(silent.reply).toBeNull();
    const sentAt = Date.now();
    await waitFor(() => Date.now() - sentAt >= 300, 'a pause before the operator answers', 5_000);
    const answer = await admin.call('POST', `/api/v1/admin/conversations/${waiting.sessionId}/messages`, {
      body: { text: 'Dzień dobry, tu Anna.' },
    });
    expect(answer.status).toBe(201);

    const day = await summary('day');
    expect(day.now.conversationsToday).toBe(2);
    expect(day.now.leadsToday).toBe(1);
    expect(day.now.activeConversations).toBe(2);
    expect(day.now.handoffsWaiting).toBe(0);
    // No LLM is configured: nothing failed (failures are tested in tests/llm/llm-failures.test.ts).
    expect(day.totals).toMatchObject({ llmErrors: 0, llmErrorsByKind: {} });
    expect(day.totals).toMatchObject({ conversations: 2, leads: 1, handoffs: 1 });
    // The form lead belongs to no conversation: no conversation converted yet.
    expect(day.totals.conversion).toBe(0);
    expect(day.totals.replies).toBeGreaterThanOrEqual(3);
    expect(day.totals.replyP95Seconds).toBeGreaterThanOrEqual(0.2);
    const sum = (field: 'conversations' | 'leads' | 'handoffs') =>
      day.series.reduce((total, b) => total + b[field], 0);
    expect([sum('conversations'), sum('leads'), sum('handoffs')]).toEqual([2, 1, 1]);
    const month = await summary('month');
    expect(month.totals).toMatchObject({ conversations: 2, leads: 1, handoffs: 1 });
    expect(month.series.at(-1)).toMatchObject({ conversations: 2, leads: 1, handoffs: 1 });
  });
});
