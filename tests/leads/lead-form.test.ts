/** The public contact form: validation, consent, idempotency (also under 50 concurrent duplicates). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../helpers/database.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { formLead, postLead } from '../integrations/fake-peers.js';

describe.each(databaseTargets())('lead form on %s database', (database) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({
      database,
      env: { RATE_LIMIT_ENABLED: 'false', WORKER_ENABLED: 'false' },
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  const count = async () =>
    Number((await server.runtime.db.query<{ n: string }>('SELECT count(*) AS n FROM leads'))[0]!.n);

  it('creates a lead with its consent flags and answers 201', async () => {
    const res = await postLead(server.url, formLead(1, { consent: { processing: true } }));
    expect(res.status).toBe(201);
    const body = (await res.json()) as { id: string; createdAt: string };
    const [row] = await server.runtime.db.query<Record<string, unknown>>(
      'SELECT source, processing_consent, marketing_consent, score, email FROM leads WHERE id = $1',
      [body.id],
    );
    expect(row).toMatchObject({ source: 'form', processing_consent: true, marketing_consent: false });
    expect(Number(row!.score)).toBeGreaterThan(50);
  });

  it('refuses a lead without consent, without contact or with unknown fields, creating nothing', async () => {
    const before = await count();
    const noConsent = await postLead(server.url, formLead(2, { consent: { processing: false } }));
    expect(noConsent.status).toBe(400);
    expect(((await noConsent.json()) as { error: string }).error).toBe('validation_failed');
    const { email: _e, phone: _p, ...noContact } = formLead(3);
    expect((await postLead(server.url, noContact)).status).toBe(400);
    expect((await postLead(server.url, formLead(4, { admin: true }))).status).toBe(400);
    expect((await postLead(server.url, formLead(5), 'short')).status).toBe(400);
    expect(await count()).toBe(before);
  });

  it('returns the same lead for the same Idempotency-Key: 201, then 200 with the same body', async () => {
    const key = `form-${Date.now()}-a`;
    const first = await postLead(server.url, formLead(6), key);
    const second = await postLead(server.url, formLead(6), key);
    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(await second.json()).toEqual(await first.json());
  });

  it('refuses the same key with a different body: 422 idempotency_key_reused', async () => {
    const key = `form-${Date.now()}-b`;
    expect((await postLead(server.url, formLead(7), key)).status).toBe(201);
    const before = await count();
    const other = await postLead(server.url, formLead(8), key);
    expect(other.status).toBe(422);
    expect(((await other.json()) as { error: string }).error).toBe('idempotency_key_reused');
    expect(await count()).toBe(before);
  });

  it('creates exactly one lead from 50 concurrent duplicates with one key', async () => {
    const key = `form-${Date.now()}-concurrent`;
    const results = await Promise.all(
      Array.from({ length: 50 }, () => postLead(server.url, formLead(9), key)),
    );
    const statuses = results.map((r) => r.status);
    const bodies = await Promise.all(results.map((r) => r.json() as Promise<{ id: string }>));
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(49);
    expect(new Set(bodies.map((b) => b.id)).size).toBe(1);
    const rows = await server.runtime.db.query('SELECT id FROM leads WHERE idempotency_key = $1', [key]);
    expect(rows).toHaveLength(1);
    // Its once-only effects were queued once.
    const effects = await server.runtime.db.query('SELECT effect FROM lead_effects WHERE lead_id = $1', [
      bodies[0]!.id,
    ]);
    expect(effects.map((e) => (e as { effect: string }).effect).sort()).toEqual([
      'customer.confirmation',
      'slack.hot_lead',
      'staff.notification',
    ]);
  });
});
