import fs from 'node:fs';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { freshEmbeddedDataDir, freshServerDatabase } from '../helpers/database.js';
import { spawnServer, type ServerProcess } from '../helpers/process.js';

let proc: ServerProcess | undefined;
const dirs: string[] = [];
afterEach(async () => {
  if (proc && proc.child.exitCode === null && proc.child.signalCode === null) {
    proc.child.kill('SIGKILL');
    await proc.exited;
  }
  proc = undefined;
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function dataDir(): Promise<string> {
  const d = await freshEmbeddedDataDir();
  dirs.push(d);
  return d;
}

/** Sends a request whose body arrives slowly, so it is in flight when the test acts. */
function slowRequest(url: string, body: string): { sendRest(): void; response: Promise<string> } {
  const u = new URL(url);
  const socket = net.connect(Number(u.port), u.hostname);
  const half = Math.floor(body.length / 2);
  socket.write(
    `POST /api/v1/chat HTTP/1.1\r\nHost: ${u.host}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body.slice(0, half)}`,
  );
  let data = '';
  const response = new Promise<string>((resolve) => {
    socket.on('data', (d) => (data += String(d)));
    socket.on('close', () => resolve(data));
    socket.on('error', () => resolve(data));
  });
  return { sendRest: () => socket.write(body.slice(half)), response };
}

describe('process lifecycle', () => {
  it.runIf(Boolean(process.env.TEST_DATABASE_URL))(
    'serves with several worker processes and stops them all gracefully',
    async () => {
      const db = await freshServerDatabase();
      try {
        // Small pools: the rest of the suite holds many connections to the same server.
        proc = await spawnServer(
          { DATABASE_URL: db.url, SERVE_PROCESSES: '2', DATABASE_POOL_MAX: '3' },
          150_000,
        );
        const serving = () => proc!.output().match(/Frontdesk is serving/g)?.length ?? 0;
        for (let i = 0; i < 1500 && serving() < 2; i++) await new Promise((r) => setTimeout(r, 100));
        expect(serving(), proc.output().slice(-4000)).toBe(2);
        expect(proc.output()).toContain('serving with several worker processes');
        // Both workers answer on the one port; every request gets an answer.
        const statuses = await Promise.all(
          Array.from({ length: 20 }, () => fetch(`${proc!.url}/health/ready`).then((r) => r.status)),
        );
        expect(statuses.every((s) => s === 200)).toBe(true);
        proc.child.kill('SIGTERM');
        const { code } = await proc.exited;
        expect(code).toBe(0);
        expect(proc.output().match(/shutdown complete/g)?.length).toBe(2);
      } finally {
        await db.drop();
      }
    },
    300_000,
  );

  it('finishes an in-flight request on SIGTERM, then exits 0', async () => {
    proc = await spawnServer({ DATA_DIR: await dataDir() });
    const inFlight = slowRequest(proc.url, JSON.stringify({ message: 'Dzień dobry, ile kosztuje Comfort?' }));
    await new Promise((r) => setTimeout(r, 300));
    proc.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    // The server has stopped accepting new connections ...
    await expect(fetch(`${proc.url}/health/live`)).rejects.toThrow();
    // ... but the request already in flight completes normally.
    inFlight.sendRest();
    const raw = await inFlight.response;
    expect(raw).toMatch(/^HTTP\/1\.1 200/);
    expect(raw).toContain('"sessionId"');
    const { code } = await proc.exited;
    expect(code).toBe(0);
    expect(proc.output()).toContain('shutdown complete');
  });

  it('keeps every acknowledged write after kill -9 of the embedded database', async () => {
    const dir = await dataDir();
    proc = await spawnServer({ DATA_DIR: dir });
    const acknowledged: Array<{ sessionId: string; secret: string; text: string }> = [];
    let stop = false;
    const writer = async (n: number) => {
      for (let i = 0; !stop; i++) {
        const text = `Wiadomość ${n}-${i}: ile kosztuje 50 m2?`;
        try {
          const res = await fetch(`${proc!.url}/api/v1/chat`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ message: text }),
          });
          if (res.status !== 200) continue;
          const body = (await res.json()) as { sessionId: string; sessionSecret: string };
          acknowledged.push({ sessionId: body.sessionId, secret: body.sessionSecret, text });
        } catch {
          return;
        }
      }
    };
    const writers = [1, 2, 3, 4].map(writer);
    const deadline = Date.now() + 10_000;
    while (acknowledged.length < 40 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    proc.child.kill('SIGKILL');
    stop = true;
    await proc.exited;
    await Promise.all(writers);
    expect(acknowledged.length).toBeGreaterThanOrEqual(40);

    proc = await spawnServer({ DATA_DIR: dir });
    for (const write of acknowledged) {
      const res = await fetch(`${proc.url}/api/v1/chat/${write.sessionId}/messages`, {
        headers: { 'x-session-secret': write.secret },
      });
      expect(res.status).toBe(200);
      const transcript = (await res.json()) as { messages: Array<{ role: string; text: string }> };
      expect(transcript.messages[0]).toMatchObject({ role: 'user', text: write.text });
      expect(transcript.messages[1]?.role).toBe('assistant');
    }
  });
});
