/** The staff's leads API: filters, pagination, detail with notes, pipeline rules, bulk, export. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../helpers/database.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { formLead, postLead } from '../integrations/fake-peers.js';
import { createToken, setupAdmin, staffWithRole, type StaffClient } from '../security/staff-client.js';

interface LeadJson {
  id: string;
  status: string;
  score: number;
  city: string | null;
  conversationId: string | null;
  assigneeId: string | null;
}

describe.each(databaseTargets())('admin leads API on %s database', (database) => {
  let server: TestServer;
  let admin: StaffClient;
  let viewer: StaffClient;
  const ids: string[] = [];

  beforeAll(async () => {
    server = await startTestServer({
      database,
      env: { RATE_LIMIT_ENABLED: 'false', WORKER_ENABLED: 'false', AUTH_LOGIN_DELAY_MS: '1' },
    });
    admin = await setupAdmin(server);
    viewer = await staffWithRole(server, admin, 'viewer');
    const cities = ['Warszawa', 'Kraków', 'Gdańsk', 'Warszawa', 'Łódź'];
    for (const [i, city] of cities.entries()) {
      const extra = i === 4 ? { email: undefined, package: undefined, area: undefined } : {};
      const res = await postLead(server.url, formLead(100 + i, { city, ...extra }));
      ids.push(((await res.json()) as { id: string }).id);
    }
  });
  afterAll(async () => {
    await server?.close();
  });

  it('lists newest first with a stable cursor, and filters by text, score and status', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await viewer.call(
        'GET',
        `/api/v1/admin/leads?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(res.status).toBe(200);
      const page = (await res.json()) as { leads: LeadJson[]; nextCursor: string | null };
      seen.push(...page.leads.map((l) => l.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());

    const warsaw = (await (await viewer.call('GET', '/api/v1/admin/leads?q=warszawa')).json()) as {
      leads: LeadJson[];
    };
    expect(warsaw.leads.map((l) => l.id).sort()).toEqual([ids[0], ids[3]].sort());
    const low = (await (await viewer.call('GET', '/api/v1/admin/leads?maxScore=40')).json()) as {
      leads: LeadJson[];
    };
    expect(low.leads.map((l) => l.id)).toEqual([ids[4]]);
    expect((await viewer.call('GET', '/api/v1/admin/leads?status=bogus')).status).toBe(400);
    expect((await viewer.call('GET', '/api/v1/admin/leads?cursor=nonsense')).status).toBe(400);
  });

  it('walks the pipeline; refuses an invalid transition with 409 and changes nothing', async () => {
    const id = ids[0]!;
    const contacted = await admin.call('PATCH', `/api/v1/admin/leads/${id}`, {
      body: { status: 'contacted' },
    });
    expect(contacted.status).toBe(200);
    const won = await admin.call('PATCH', `/api/v1/admin/leads/${id}`, { body: { status: 'won' } });
    expect(won.status).toBe(409);
    expect(((await won.json()) as { error: string }).error).toBe('invalid_status_transition');
    const detail = (await (await viewer.call('GET', `/api/v1/admin/leads/${id}`)).json()) as {
      lead: LeadJson;
    };
    expect(detail.lead.status).toBe('contacted');
    // a viewer may read but not write
    expect(
      (await viewer.call('PATCH', `/api/v1/admin/leads/${id}`, { body: { status: 'lost' } })).status,
    ).toBe(403);
    // the status change queued the CRM sync and the webhook event with it
    const jobs = await server.runtime.db.query<{ name: string }>(
      `SELECT name FROM pgboss.job WHERE data->'payload'->>'leadId' = $1 AND data->'payload'->>'event' = 'lead.status_changed'`,
      [id],
    );
    expect(jobs.map((j) => j.name)).toEqual(['lead-webhook']);
  });

  it('assigns, adds notes and shows them with the lead', async () => {
    const operator = await staffWithRole(server, admin, 'operator');
    const id = ids[1]!;
    const patch = await operator.call('PATCH', `/api/v1/admin/leads/${id}`, {
      body: { assigneeId: operator.id },
    });
    expect(patch.status).toBe(200);
    const unknown = await operator.call('PATCH', `/api/v1/admin/leads/${id}`, {
      body: { assigneeId: '00000000-0000-4000-8000-000000000000' },
    });
    expect(unknown.status).toBe(400);
    const note = await operator.call('POST', `/api/v1/admin/leads/${id}/notes`, {
      body: { text: 'Called, no answer' },
    });
    expect(note.status).toBe(201);
    const detail = (await (await viewer.call('GET', `/api/v1/admin/leads/${id}`)).json()) as {
      lead: LeadJson;
      notes: Array<{ authorId: string; text: string }>;
    };
    expect(detail.lead.assigneeId).toBe(operator.id);
    expect(detail.notes).toEqual([
      expect.objectContaining({ authorId: operator.id, text: 'Called, no answer' }),
    ]);
    expect(
      (await viewer.call('GET', '/api/v1/admin/leads/00000000-0000-4000-8000-000000000000')).status,
    ).toBe(404);
  });

  it('moves leads in bulk all or nothing', async () => {
    const bad = await admin.call('POST', '/api/v1/admin/leads/bulk-status', {
      body: { ids: [ids[2], ids[0]], status: 'contacted' },
    });
    // ids[0] is contacted already (unchanged), ids[2] is new → contacted: allowed
    expect(bad.status).toBe(200);
    const refused = await admin.call('POST', '/api/v1/admin/leads/bulk-status', {
      body: { ids: [ids[2], ids[3]], status: 'qualified' },
    });
    expect(refused.status).toBe(409);
    const l3 = (await (await viewer.call('GET', `/api/v1/admin/leads/${ids[3]}`)).json()) as {
      lead: LeadJson;
    };
    const l2 = (await (await viewer.call('GET', `/api/v1/admin/leads/${ids[2]}`)).json()) as {
      lead: LeadJson;
    };
    expect([l2.lead.status, l3.lead.status]).toEqual(['contacted', 'new']);
  });

  it('exports the filtered leads as streamed CSV and JSON', async () => {
    const token = await createToken(admin, { name: 'export', scopes: ['leads:read'], role: 'operator' });
    const auth = { authorization: `Bearer ${token.token}` };
    const csv = await fetch(`${server.url}/api/v1/admin/leads/export?format=csv&q=warszawa`, {
      headers: auth,
    });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = (await csv.text())
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\n');
    expect(lines[0]).toMatch(/^id,createdAt,source,status,score,name,email/);
    expect(lines).toHaveLength(3);
    const json = await fetch(`${server.url}/api/v1/admin/leads/export?format=json`, { headers: auth });
    const all = (await json.json()) as LeadJson[];
    expect(all.map((l) => l.id)).toEqual([...ids].reverse());
    expect((await viewer.call('GET', '/api/v1/admin/leads/export')).status).toBe(403);
  });
});
