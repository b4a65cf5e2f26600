/**
 * Customer attachments: recognised by their bytes, refused when they are (or hide) markup or script,
 * bounded in size and number, stored under random ids outside every served directory (or in an
 * S3-compatible bucket), announced in the transcript, and handed back only to staff, as downloads.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { signRequest } from '../../src/platform/storage/sigv4.js';
import {
  HTML,
  JAVASCRIPT,
  SVG,
  filesUnder,
  jpeg,
  multipart,
  pdf,
  png,
  postUpload,
  startChat,
  webp,
} from '../bad-input/fixtures.js';
import { databaseTargets } from '../helpers/database.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { createToken, setupAdmin, staffWithRole, type StaffClient } from './staff-client.js';

const LIMIT_BYTES = 64 * 1024;

interface Uploaded {
  id: string;
  kind: string;
  contentType: string;
  size: number;
  name: string;
}

async function count(server: TestServer, table: string): Promise<number> {
  const [row] = await server.runtime.db.query<{ n: string | number }>(`SELECT count(*) AS n FROM ${table}`);
  return Number(row?.n ?? 0);
}

describe.each(databaseTargets())('uploads (%s)', (database) => {
  let server: TestServer;
  let uploadDir: string;
  let admin: StaffClient;
  let viewer: StaffClient;

  beforeAll(async () => {
    uploadDir = fs.mkdtempSync(path.join(os.tmpdir(), 'frontdesk-uploads-'));
    server = await startTestServer({
      database,
      env: { UPLOAD_DIR: uploadDir, UPLOAD_MAX_BYTES: String(LIMIT_BYTES), UPLOAD_MAX_PER_SESSION: '3' },
    });
    admin = await setupAdmin(server);
    viewer = await staffWithRole(server, admin, 'viewer');
  });
  afterAll(async () => {
    await server?.close();
    fs.rmSync(uploadDir, { recursive: true, force: true });
  });

  it('accepts JPEG, PNG, WebP and PDF by their bytes, whatever the name and declared type say', async () => {
    const session = await startChat(server.url);
    const cases = [
      { data: jpeg(), filename: 'kuchnia.jpg', contentType: 'image/jpeg', kind: 'jpeg', name: 'kuchnia.jpg' },
      { data: png(), filename: 'plan.exe', contentType: 'text/html', kind: 'png', name: 'plan.exe.png' },
      {
        data: webp(),
        filename: 'łazienka.WEBP',
        contentType: 'image/png',
        kind: 'webp',
        name: 'łazienka.webp',
      },
    ];
    for (const c of cases) {
      const res = await postUpload(server.url, session, [
        { field: 'file', filename: c.filename, contentType: c.contentType, data: c.data },
      ]);
      expect(res.status, c.filename).toBe(201);
      const body = (await res.json()) as Uploaded;
      expect(body).toMatchObject({ kind: c.kind, size: c.data.length, name: c.name });
      const [row] = await server.runtime.db.query<{
        sha256: string;
        storage_key: string;
        session_id: string;
      }>('SELECT sha256, storage_key, session_id FROM uploads WHERE id = $1', [body.id]);
      expect(row?.sha256).toBe(crypto.createHash('sha256').update(c.data).digest('hex'));
      expect(row?.session_id).toBe(session.sessionId);
      // Stored under the random id, never the customer's name, inside UPLOAD_DIR.
      const stored = filesUnder(uploadDir).filter((f) => path.basename(f) === row?.storage_key);
      expect(stored).toHaveLength(1);
      expect(fs.readFileSync(stored[0]!).equals(c.data)).toBe(true);
    }
    expect(filesUnder(uploadDir).some((f) => /kuchnia|plan|łazienka/.test(f))).toBe(false);
  });

  it('takes the session id from the x-session-id header as well, and puts a PDF in the transcript', async () => {
    const session = await startChat(server.url);
    const form = multipart([
      { field: 'file', filename: 'rzut.pdf', contentType: 'application/pdf', data: pdf() },
    ]);
    const res = await fetch(`${server.url}/api/v1/uploads`, {
      method: 'POST',
      headers: {
        'content-type': form.contentType,
        'x-session-id': session.sessionId,
        'x-session-secret': session.secret,
      },
      body: form.body,
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as Uploaded;
    expect(body.kind).toBe('pdf');
    const messages = await server.runtime.db.query<{
      role: string;
      text: string;
      meta: { uploadId?: string };
    }>('SELECT role, text, meta FROM chat_messages WHERE session_id = $1 ORDER BY created_at, id', [
      session.sessionId,
    ]);
    const last = messages.at(-1);
    expect(last).toMatchObject({ role: 'system', text: 'attachment received' });
    expect(last?.meta.uploadId).toBe(body.id);
  });

  describe('refuses, with 415 and nothing stored', () => {
    const refused: Array<{ name: string; data: () => Buffer; filename: string; contentType: string }> = [
      { name: 'SVG', data: () => SVG, filename: 'logo.svg', contentType: 'image/svg+xml' },
      { name: 'SVG declared as PNG', data: () => SVG, filename: 'logo.png', contentType: 'image/png' },
      { name: 'HTML', data: () => HTML, filename: 'page.html', contentType: 'text/html' },
      { name: 'HTML named .jpg', data: () => HTML, filename: 'photo.jpg', contentType: 'image/jpeg' },
      { name: 'JavaScript', data: () => JAVASCRIPT, filename: 'app.js', contentType: 'text/javascript' },
      { name: 'plain text', data: () => Buffer.from('hello'), filename: 'a.txt', contentType: 'text/plain' },
      {
        name: 'a ZIP (not one of the accepted formats)',
        data: () => Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(100, 0)]),
        filename: 'a.zip',
        contentType: 'application/zip',
      },
      {
        name: 'JPEG header followed by <script>',
        data: () => Buffer.concat([jpeg(500), Buffer.from('<script>alert(1)</script>')]),
        filename: 'photo.jpg',
        contentType: 'image/jpeg',
      },
      {
        name: 'PNG with an HTML page in the middle',
        data: () => Buffer.concat([png(), Buffer.from('<html><body onload=alert(1)>')]),
        filename: 'plan.png',
        contentType: 'image/png',
      },
      {
        name: 'PDF with a JavaScript action',
        data: () => pdf({ extra: '/OpenAction << /S /JavaScript /JS (app.alert(1)) >>' }),
        filename: 'rzut.pdf',
        contentType: 'application/pdf',
      },
      {
        name: 'PDF with /JS only',
        data: () => pdf({ extra: '/AA << /O << /S /JS (x) >> >>' }),
        filename: 'rzut.pdf',
        contentType: 'application/pdf',
      },
      {
        name: 'PDF with a hex-escaped /J#61vaScript name',
        data: () => pdf({ extra: '/OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >>' }),
        filename: 'rzut.pdf',
        contentType: 'application/pdf',
      },
      {
        name: 'PDF hiding JavaScript in a compressed object stream',
        data: () => pdf({ streams: ['4 0 << /S /JavaScript /JS (app.alert(1)) >>'] }),
        filename: 'rzut.pdf',
        contentType: 'application/pdf',
      },
      {
        name: 'PDF with a launch action',
        data: () => pdf({ extra: '/OpenAction << /S /Launch /F (cmd.exe) >>' }),
        filename: 'rzut.pdf',
        contentType: 'application/pdf',
      },
      {
        name: 'PDF followed by an HTML page',
        data: () => pdf({ tail: '<!DOCTYPE html><script>alert(1)</script>' }),
        filename: 'rzut.pdf',
        contentType: 'application/pdf',
      },
    ];
    it.each(refused)('$name', async (c) => {
      const session = await startChat(server.url);
      const rowsBefore = await count(server, 'uploads');
      const filesBefore = filesUnder(uploadDir).length;
      const res = await postUpload(server.url, session, [
        { field: 'file', filename: c.filename, contentType: c.contentType, data: c.data() },
      ]);
      expect(res.status).toBe(415);
      expect(((await res.json()) as { error: string }).error).toBe('unsupported_media_type');
      expect(await count(server, 'uploads')).toBe(rowsBefore);
      expect(filesUnder(uploadDir)).toHaveLength(filesBefore);
    });
  });

  it('refuses a file over UPLOAD_MAX_BYTES with 413 and stores nothing', async () => {
    const session = await startChat(server.url);
    const rowsBefore = await count(server, 'uploads');
    const filesBefore = filesUnder(uploadDir).length;
    const res = await postUpload(server.url, session, [
      { field: 'file', filename: 'big.jpg', contentType: 'image/jpeg', data: jpeg(LIMIT_BYTES + 1) },
    ]);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: string }).error).toBe('payload_too_large');
    expect(await count(server, 'uploads')).toBe(rowsBefore);
    expect(filesUnder(uploadDir)).toHaveLength(filesBefore);
    // Exactly at the limit is fine.
    const atLimit = await postUpload(server.url, session, [
      { field: 'file', filename: 'max.jpg', contentType: 'image/jpeg', data: jpeg(LIMIT_BYTES) },
    ]);
    expect(atLimit.status).toBe(201);
  });

  it('keeps at most UPLOAD_MAX_PER_SESSION files per conversation (409), even when they race', async () => {
    const session = await startChat(server.url);
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        postUpload(server.url, session, [{ field: 'file', filename: `p${i}.png`, data: png() }]),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 201, 201, 409, 409]);
    const [row] = await server.runtime.db.query<{ n: string | number }>(
      'SELECT count(*) AS n FROM uploads WHERE session_id = $1',
      [session.sessionId],
    );
    expect(Number(row?.n)).toBe(3);
    const refused = results.find((r) => r.status === 409)!;
    expect(((await refused.json()) as { error: string }).error).toBe('upload_limit_reached');
    // The files of the refused uploads were removed again.
    const keys = await server.runtime.db.query<{ storage_key: string }>('SELECT storage_key FROM uploads');
    const known = new Set(keys.map((k) => k.storage_key));
    expect(filesUnder(uploadDir).filter((f) => !known.has(path.basename(f)))).toEqual([]);
  });

  it('never uses the file name as a path', async () => {
    const names: Array<[string, string]> = [
      ['../../etc/passwd', 'passwd.png'],
      ['..%2f..%2fetc%2fpasswd.png', 'passwd.png'],
      ['/etc/shadow.png', 'shadow.png'],
      ['C:\\Windows\\system32\\evil.png', 'evil.png'],
      ['a\u0000b.png', 'ab.png'],
      ["'; rm -rf ~.png", 'rm -rf _.png'],
      ['...', 'attachment.png'],
      ['plan.html', 'plan.html.png'],
    ];
    for (const [filename, expected] of names) {
      const session = await startChat(server.url);
      const res = await postUpload(server.url, session, [{ field: 'file', filename, data: png() }]);
      expect(res.status, filename).toBe(201);
      const body = (await res.json()) as Uploaded;
      expect(body.name, filename).toBe(expected);
    }
    expect(fs.existsSync(path.join(uploadDir, '..', 'etc'))).toBe(false);
    for (const file of filesUnder(uploadDir)) expect(path.basename(file)).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves an attachment only to staff, as a download with strict headers', async () => {
    const session = await startChat(server.url);
    const data = png();
    const created = await postUpload(server.url, session, [
      { field: 'file', filename: 'Łóżko <w> sypialni;.png', contentType: 'text/html', data },
    ]);
    expect(created.status).toBe(201);
    const { id, name } = (await created.json()) as Uploaded;
    expect(name).toBe('Łóżko _w_ sypialni_.png');

    const anonymous = await fetch(`${server.url}/api/v1/admin/uploads/${id}`);
    expect(anonymous.status).toBe(401);
    const withSecretOnly = await fetch(`${server.url}/api/v1/admin/uploads/${id}`, {
      headers: { 'x-session-secret': session.secret },
    });
    expect(withSecretOnly.status).toBe(401);

    const res = await viewer.call('GET', `/api/v1/admin/uploads/${id}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="Lozko _w_ sypialni_.png"; filename*=UTF-8''${encodeURIComponent(name)}`,
    );
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    expect(Buffer.from(await res.arrayBuffer()).equals(data)).toBe(true);

    const reader = await createToken(admin, { name: 'reader', scopes: ['conversations:read'] });
    const leadsOnly = await createToken(admin, { name: 'leads', scopes: ['leads:read'] });
    const byToken = await fetch(`${server.url}/api/v1/admin/uploads/${id}`, {
      headers: { authorization: `Bearer ${reader.token}` },
    });
    expect(byToken.status).toBe(200);
    const wrongScope = await fetch(`${server.url}/api/v1/admin/uploads/${id}`, {
      headers: { authorization: `Bearer ${leadsOnly.token}` },
    });
    expect(wrongScope.status).toBe(403);
    expect(((await wrongScope.json()) as { error: string }).error).toBe('insufficient_scope');

    const list = await viewer.call('GET', `/api/v1/admin/conversations/${session.sessionId}/uploads`);
    expect(list.status).toBe(200);
    const { uploads } = (await list.json()) as { uploads: Array<Uploaded & { sha256: string }> };
    expect(uploads.map((u) => u.id)).toEqual([id]);
    expect(uploads[0]?.sha256).toBe(crypto.createHash('sha256').update(data).digest('hex'));

    const missing = await viewer.call('GET', `/api/v1/admin/uploads/${crypto.randomUUID()}`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: string }).error).toBe('upload_not_found');
  });

  it('counts uploads and storage operations in the metrics', async () => {
    const res = await fetch(`${server.url}/metrics`);
    const text = await res.text();
    expect(text).toMatch(/frontdesk_uploads_total\{outcome="stored"\} [1-9]/);
    expect(text).toMatch(/frontdesk_uploads_total\{outcome="refused_type"\} [1-9]/);
    expect(text).toMatch(
      /frontdesk_storage_operations_total\{backend="local",operation="put",outcome="ok"\} [1-9]/,
    );
  });
});

// --- S3-compatible storage ---------------------------------------------------------------------------

const S3_KEYS = {
  accessKeyId: 'AKIDFRONTDESKTEST',
  secretAccessKey: 'fake-s3-secret-key-for-tests-only-123',
};
const S3_REGION = 'eu-central-1';

interface FakeS3 {
  url: string;
  objects: Map<string, { data: Buffer; contentType: string | undefined }>;
  requests: Array<{ method: string; path: string; signatureOk: boolean }>;
  /** Answers the next n requests with this status. */
  failNext(n: number, status: number): void;
  close(): Promise<void>;
}

/** A tiny S3 stand-in: checks every request's SigV4 signature and keeps objects in memory. */
async function startFakeS3(): Promise<FakeS3> {
  const objects = new Map<string, { data: Buffer; contentType: string | undefined }>();
  const requests: FakeS3['requests'] = [];
  let failures = 0;
  let failStatus = 500;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const auth = req.headers.authorization ?? '';
      const match =
        /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(
          auth,
        );
      const payloadHash = String(req.headers['x-amz-content-sha256'] ?? '');
      const amzDate = String(req.headers['x-amz-date'] ?? '');
      let signatureOk = false;
      if (match && payloadHash === crypto.createHash('sha256').update(body).digest('hex')) {
        const signed = match[4]!.split(';');
        const headers: Record<string, string> = {};
        for (const name of signed) {
          if (['host', 'x-amz-date', 'x-amz-content-sha256'].includes(name)) continue;
          headers[name] = String(req.headers[name] ?? '');
        }
        const expected = signRequest(
          { ...S3_KEYS, region: S3_REGION },
          {
            method: req.method ?? 'GET',
            url: new URL(req.url ?? '/', `http://${req.headers.host}`),
            headers,
            payloadHash,
            date: new Date(
              `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
            ),
          },
        );
        signatureOk =
          match[1] === S3_KEYS.accessKeyId && match[3] === S3_REGION && expected.authorization === auth;
      }
      requests.push({ method: req.method ?? '', path: req.url ?? '', signatureOk });
      if (!signatureOk) {
        res.writeHead(403, { 'content-type': 'application/xml' });
        res.end('<Error><Code>SignatureDoesNotMatch</Code></Error>');
        return;
      }
      if (failures > 0) {
        failures--;
        res.writeHead(failStatus, { 'content-type': 'application/xml' });
        res.end('<Error><Code>InternalError</Code></Error>');
        return;
      }
      const key = decodeURIComponent(req.url ?? '');
      if (req.method === 'PUT') {
        objects.set(key, { data: body, contentType: req.headers['content-type'] });
        res.writeHead(200).end();
      } else if (req.method === 'GET') {
        const object = objects.get(key);
        if (!object) res.writeHead(404).end('<Error><Code>NoSuchKey</Code></Error>');
        else
          res
            .writeHead(200, { 'content-type': object.contentType ?? 'application/octet-stream' })
            .end(object.data);
      } else if (req.method === 'DELETE') {
        objects.delete(key);
        res.writeHead(204).end();
      } else {
        res.writeHead(405).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    objects,
    requests,
    failNext(n, status) {
      failures = n;
      failStatus = status;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('S3 request signing', () => {
  it('matches the AWS Signature V4 example for S3 (GET Object)', () => {
    const headers = signRequest(
      {
        accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
        secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
        region: 'us-east-1',
      },
      {
        method: 'GET',
        url: new URL('https://examplebucket.s3.amazonaws.com/test.txt'),
        headers: { Range: 'bytes=0-9' },
        payloadHash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
        date: new Date('2013-05-24T00:00:00Z'),
      },
    );
    expect(headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, ' +
        'SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, ' +
        'Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    );
  });
});

describe.each(databaseTargets())('uploads in S3-compatible storage (%s)', (database) => {
  let server: TestServer;
  let s3: FakeS3;
  let viewer: StaffClient;

  beforeAll(async () => {
    s3 = await startFakeS3();
    server = await startTestServer({
      database,
      env: {
        UPLOAD_STORAGE: 's3',
        S3_ENDPOINT: s3.url,
        S3_BUCKET: 'frontdesk-uploads',
        S3_REGION,
        S3_ACCESS_KEY_ID: S3_KEYS.accessKeyId,
        S3_SECRET_ACCESS_KEY: S3_KEYS.secretAccessKey,
        UPLOAD_MAX_PER_SESSION: '50',
      },
    });
    const admin = await setupAdmin(server);
    viewer = await staffWithRole(server, admin, 'viewer');
  });
  afterAll(async () => {
    await server?.close();
    await s3?.close();
  });

  it('stores signed objects in the bucket and serves them back to staff', async () => {
    const session = await startChat(server.url);
    const data = jpeg();
    const res = await postUpload(server.url, session, [{ field: 'file', filename: 'sufit.jpg', data }]);
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as Uploaded;
    const object = s3.objects.get(`/frontdesk-uploads/${id}`);
    expect(object?.data.equals(data)).toBe(true);
    expect(object?.contentType).toBe('image/jpeg');
    expect(s3.requests.every((r) => r.signatureOk)).toBe(true);

    const download = await viewer.call('GET', `/api/v1/admin/uploads/${id}`);
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(data)).toBe(true);
  });

  it('retries a failing storage call', async () => {
    const session = await startChat(server.url);
    s3.failNext(2, 503);
    const before = s3.requests.length;
    const res = await postUpload(server.url, session, [{ field: 'file', filename: 'a.png', data: png() }]);
    expect(res.status).toBe(201);
    expect(s3.requests.length - before).toBe(3);
  });

  it('answers 503 storage_unavailable and records nothing when the storage keeps failing', async () => {
    const session = await startChat(server.url);
    const rowsBefore = await count(server, 'uploads');
    s3.failNext(1_000, 500);
    const statuses: number[] = [];
    let circuitOpened = false;
    for (let i = 0; i < 4 && !circuitOpened; i++) {
      const before = s3.requests.length;
      const res = await postUpload(server.url, session, [{ field: 'file', filename: 'a.png', data: png() }]);
      statuses.push(res.status);
      expect(((await res.json()) as { error: string }).error).toBe('storage_unavailable');
      // Once the breaker is open, calls are refused without reaching the storage.
      circuitOpened = s3.requests.length === before;
    }
    expect(new Set(statuses)).toEqual(new Set([503]));
    expect(circuitOpened).toBe(true);
    expect(await count(server, 'uploads')).toBe(rowsBefore);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/frontdesk_storage_circuit_open\{backend="s3"\} 1/);
    expect(metrics).toMatch(/frontdesk_storage_retries_total\{backend="s3"\} [1-9]/);
    s3.failNext(0, 500);
  });
});

describe('upload configuration', () => {
  const problems = (env: Record<string, string>) => {
    try {
      loadConfig(env, '/srv/frontdesk');
      return [];
    } catch (err) {
      if (err instanceof ConfigError) return err.problems;
      throw err;
    }
  };

  it('keeps uploads outside every served directory', () => {
    expect(loadConfig({}, '/srv/frontdesk').uploads.dir).toBe('/srv/frontdesk/data/uploads');
    expect(problems({ UPLOAD_DIR: '/srv/frontdesk/dist/web/uploads' })[0]).toMatch(
      /^UPLOAD_DIR: must be outside/,
    );
    expect(problems({ UPLOAD_DIR: './web/demo' })[0]).toMatch(/^UPLOAD_DIR: must be outside/);
    expect(problems({ UPLOAD_DIR: './knowledge/files' })[0]).toMatch(/^UPLOAD_DIR: must be outside/);
    expect(problems({ UPLOAD_DIR: '/var/lib/frontdesk/uploads' })).toEqual([]);
  });

  it('needs the S3 settings for UPLOAD_STORAGE=s3, and never echoes the secret key', () => {
    expect(problems({ UPLOAD_STORAGE: 's3' }).map((p) => p.split(':')[0])).toEqual([
      'S3_ENDPOINT',
      'S3_BUCKET',
      'S3_ACCESS_KEY_ID',
      'S3_SECRET_ACCESS_KEY',
    ]);
    expect(problems({ UPLOAD_STORAGE: 'ftp' })[0]).toMatch(/^UPLOAD_STORAGE: must be local or s3/);
    expect(problems({ UPLOAD_MAX_BYTES: '10' })[0]).toMatch(/^UPLOAD_MAX_BYTES:/);
  });
});
