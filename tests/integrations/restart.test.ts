/**
 * Frontdesk killed (SIGKILL) while a provider holds a delivery: after a restart on the same database
 * every effect is delivered. The guarantee is at-least-once towards the provider, with a stable event
 * id per effect: the provider may see the interrupted attempt and the retry, and deduplicates by the id.
 */
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { databaseTargets, freshEmbeddedDataDir, freshServerDatabase } from '../helpers/database.js';
import { spawnServer, type ServerProcess } from '../helpers/process.js';
import { FAST_OUTBOX, formLead, postLead, startHttpPeer, waitFor, type FakeHttpPeer } from './fake-peers.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function stop(proc: ServerProcess) {
  if (proc.child.exitCode === null && proc.child.signalCode === null) {
    proc.child.kill('SIGKILL');
    await proc.exited;
  }
}

describe.each(databaseTargets())('restart mid-delivery on %s database', (database) => {
  it('loses nothing when killed while the webhook holds a request', async () => {
    const hook: FakeHttpPeer = await startHttpPeer({ kind: 'hang' });
    cleanups.push(() => hook.close());
    let env: Record<string, string>;
    if (database === 'embedded') {
      const dir = await freshEmbeddedDataDir();
      cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
      env = { DATA_DIR: dir };
    } else {
      const db = await freshServerDatabase();
      cleanups.push(() => db.drop());
      env = { DATABASE_URL: db.url };
    }
    Object.assign(env, {
      ...FAST_OUTBOX,
      // Long enough that the held request is still in flight when the process dies.
      INTEGRATION_TIMEOUT_MS: '5000',
      OUTBOX_VISIBILITY_TIMEOUT_SECONDS: '10',
      WEBHOOK_URL: `${hook.url}/hook`,
      WEBHOOK_SECRET: 'a-test-secret-of-some-length',
    });

    const first = await spawnServer(env);
    cleanups.push(() => stop(first));
    const res = await postLead(first.url, formLead(400));
    expect(res.status).toBe(201);
    const { id: leadId } = (await res.json()) as { id: string };
    await waitFor('the webhook to hold the delivery', () => hook.received.length === 1, 30_000, 20);
    first.child.kill('SIGKILL');
    await first.exited;
    const heldEventId = hook.received[0]!.headers['x-frontdesk-event-id'];

    hook.mode = { kind: 'ok' };
    const second = await spawnServer(env);
    cleanups.push(() => stop(second));
    await waitFor(
      'the interrupted event to be delivered after the restart',
      () => hook.delivered.some((r) => r.headers['x-frontdesk-event-id'] === heldEventId),
      60_000,
    );
    const deliveredIds = hook.delivered.map((r) => r.headers['x-frontdesk-event-id']);
    expect(deliveredIds.filter((id) => id === heldEventId)).toHaveLength(1);
    const body = hook.delivered.find((r) => r.headers['x-frontdesk-event-id'] === heldEventId)!.json as {
      type: string;
      data: { leadId: string };
    };
    expect(body).toMatchObject({ type: 'lead.created', data: { leadId } });
    // The provider saw the same event id twice at most: the held attempt and the retry.
    expect(hook.received.filter((r) => r.headers['x-frontdesk-event-id'] === heldEventId)).toHaveLength(2);
  });
});
