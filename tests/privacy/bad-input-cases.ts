/**
 * Malformed requests to the privacy routes, in the format of tests/bad-input/cases.ts (which includes
 * them): each must get its exact client error and change nothing.
 */
import type { BadCase } from '../bad-input/cases.js';

const json = (value: unknown) => ({
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(value),
});
const xml = () => ({ headers: { 'content-type': 'application/xml' }, body: '<kind>erase</kind>' });
const nested = () => json({ token: { $ne: '' } });
const validation = { status: 400, error: 'validation_failed' };
const unsupported = { status: 415, error: 'unsupported_media_type' };
const invalidToken = { status: 400, error: 'invalid_token' };
const subjectRequired = { status: 400, error: 'subject_required' };
const LEAD = '00000000-0000-4000-8000-000000000000';

export const PRIVACY_BAD_CASES: BadCase[] = [
  {
    name: 'unknown kind',
    route: 'POST /api/v1/privacy/requests',
    request: () => json({ kind: 'delete-everything', email: 'a@example.pl' }),
    expect: validation,
  },
  {
    name: 'not an e-mail address',
    route: 'POST /api/v1/privacy/requests',
    request: () => json({ kind: 'erase', email: "' OR 1=1 --" }),
    expect: validation,
  },
  {
    name: 'no e-mail',
    route: 'POST /api/v1/privacy/requests',
    request: () => json({ kind: 'export' }),
    expect: validation,
  },
  {
    name: 'e-mail over 254 characters',
    route: 'POST /api/v1/privacy/requests',
    request: () => json({ kind: 'export', email: `${'a'.repeat(250)}@example.pl` }),
    expect: validation,
  },
  {
    name: 'unknown field',
    route: 'POST /api/v1/privacy/requests',
    request: () => json({ kind: 'export', email: 'a@example.pl', admin: true }),
    expect: validation,
  },
  { name: 'XML body', route: 'POST /api/v1/privacy/requests', request: xml, expect: unsupported },
  {
    name: 'token too short',
    route: 'GET /api/v1/privacy/exports/:token',
    request: () => ({ path: '/api/v1/privacy/exports/abc' }),
    expect: validation,
  },
  {
    name: 'token never issued',
    route: 'GET /api/v1/privacy/exports/:token',
    request: () => ({ path: `/api/v1/privacy/exports/${'A'.repeat(43)}` }),
    expect: { status: 404, error: 'export_not_found' },
  },
  {
    name: 'forged token',
    route: 'POST /api/v1/privacy/unsubscribe',
    request: () => json({ token: `${LEAD}.${'A'.repeat(32)}` }),
    expect: invalidToken,
  },
  {
    name: 'no token',
    route: 'POST /api/v1/privacy/unsubscribe',
    request: () => json({}),
    expect: invalidToken,
  },
  {
    name: 'NoSQL operator as the token',
    route: 'POST /api/v1/privacy/unsubscribe',
    request: nested,
    expect: validation,
  },
  {
    name: 'unknown language',
    route: 'GET /privacy',
    request: () => ({ path: '/privacy?lang=de' }),
    expect: validation,
  },
  {
    name: 'unknown language',
    route: 'GET /privacy/request',
    request: () => ({ path: '/privacy/request?lang=xx' }),
    expect: validation,
  },
  { name: 'nested form value', route: 'POST /privacy/request', request: nested, expect: validation },
  { name: 'XML body', route: 'POST /privacy/request', request: xml, expect: unsupported },
  {
    name: 'unknown language',
    route: 'GET /privacy/verify',
    request: () => ({ path: '/privacy/verify?token=x&lang=de' }),
    expect: validation,
  },
  { name: 'nested form value', route: 'POST /privacy/verify', request: nested, expect: validation },
  {
    name: 'unknown language',
    route: 'GET /privacy/unsubscribe',
    request: () => ({ path: '/privacy/unsubscribe?token=x&lang=de' }),
    expect: validation,
  },
  { name: 'nested form value', route: 'POST /privacy/unsubscribe', request: nested, expect: validation },
  {
    name: 'anonymous caller',
    route: 'GET /api/v1/admin/privacy/search',
    request: () => ({ path: '/api/v1/admin/privacy/search?email=a@example.pl' }),
    expect: { status: 401, error: 'unauthorized' },
  },
  {
    name: 'viewer',
    route: 'GET /api/v1/admin/privacy/search',
    as: 'viewer',
    request: () => ({ path: '/api/v1/admin/privacy/search?email=a@example.pl' }),
    expect: { status: 403, error: 'forbidden' },
  },
  {
    name: 'neither e-mail nor phone',
    route: 'GET /api/v1/admin/privacy/search',
    as: 'admin',
    request: () => ({ path: '/api/v1/admin/privacy/search' }),
    expect: subjectRequired,
  },
  {
    name: 'not an e-mail address',
    route: 'GET /api/v1/admin/privacy/search',
    as: 'admin',
    request: () => ({ path: '/api/v1/admin/privacy/search?email=%3Cscript%3E' }),
    expect: validation,
  },
  {
    name: 'operator',
    route: 'POST /api/v1/admin/privacy/export',
    as: 'operator',
    request: () => json({ email: 'a@example.pl' }),
    expect: { status: 403, error: 'forbidden' },
  },
  {
    name: 'neither e-mail nor phone',
    route: 'POST /api/v1/admin/privacy/export',
    as: 'admin',
    request: () => json({}),
    expect: subjectRequired,
  },
  {
    name: 'no confirmation',
    route: 'POST /api/v1/admin/privacy/erase',
    as: 'admin',
    request: () => json({ email: 'a@example.pl' }),
    expect: validation,
  },
  {
    name: 'confirmation false',
    route: 'POST /api/v1/admin/privacy/erase',
    as: 'admin',
    request: () => json({ email: 'a@example.pl', confirm: false }),
    expect: validation,
  },
  {
    name: 'confirmed but neither e-mail nor phone',
    route: 'POST /api/v1/admin/privacy/erase',
    as: 'admin',
    request: () => json({ confirm: true }),
    expect: subjectRequired,
  },
];

/** Privacy routes without bad-input cases, and why. */
export const PRIVACY_SKIPPED: Record<string, string> = {
  'GET /privacy/style.css': 'a static file; takes no input',
};
