/**
 * Malformed requests to the knowledge admin routes, in the format of tests/bad-input/cases.ts (which
 * includes them): each is refused before anything is written, so the knowledge files stay as they are.
 */
import type { BadCase } from '../bad-input/cases.js';

const json = (value: unknown) => ({
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(value),
});
const validation = { status: 400, error: 'validation_failed' };
const invalidJson = { status: 400, error: 'invalid_json' };
const unsupported = { status: 415, error: 'unsupported_media_type' };
const unauthorized = { status: 401, error: 'unauthorized' };
const invalidToken = { status: 401, error: 'invalid_token' };
const forbidden = { status: 403, error: 'forbidden' };
const csrfFailed = { status: 403, error: 'csrf_failed' };
const notFound = { status: 404, error: 'not_found' };

const FAQ = {
  question: { pl: 'Pytanie?', en: 'Question?' },
  answer: { pl: 'Odpowiedź.', en: 'Answer.' },
};
const PACKAGES = '/api/v1/admin/knowledge/packages';
const PACKAGE = 'PATCH /api/v1/admin/knowledge/packages/:id';
const FAQ_LIST = '/api/v1/admin/knowledge/faq';
const FAQ_ONE = '/api/v1/admin/knowledge/faq/:id';
const UNANSWERED = '/api/v1/admin/knowledge/unanswered';

export const KNOWLEDGE_BAD_CASES: BadCase[] = [
  // GET packages, GET faq, GET unanswered ----------------------------------------------------------
  { name: 'no credentials', route: `GET ${PACKAGES}`, expect: unauthorized },
  { name: 'a viewer', route: `GET ${PACKAGES}`, as: 'viewer', expect: forbidden },
  { name: 'a viewer-role token', route: `GET ${PACKAGES}`, as: 'leadsToken', expect: forbidden },
  { name: 'no credentials', route: `GET ${FAQ_LIST}`, expect: unauthorized },
  { name: 'a viewer', route: `GET ${FAQ_LIST}`, as: 'viewer', expect: forbidden },
  { name: 'forged API token', route: `GET ${FAQ_LIST}`, as: 'forgedToken', expect: invalidToken },
  { name: 'no credentials', route: `GET ${UNANSWERED}`, expect: unauthorized },
  { name: 'a viewer', route: `GET ${UNANSWERED}`, as: 'viewer', expect: forbidden },
  { name: 'a viewer-role token', route: `GET ${UNANSWERED}`, as: 'leadsToken', expect: forbidden },

  // PATCH /api/v1/admin/knowledge/packages/:id ------------------------------------------------------
  {
    name: 'no credentials',
    route: PACKAGE,
    request: () => ({ path: `${PACKAGES}/express`, ...json({ pricePerM2: { min: 1, max: 2 } }) }),
    expect: unauthorized,
  },
  {
    name: 'an operator (prices are for admins)',
    route: PACKAGE,
    as: 'operator',
    request: () => ({ path: `${PACKAGES}/express`, ...json({ pricePerM2: { min: 1, max: 2 } }) }),
    expect: forbidden,
  },
  {
    name: 'no CSRF token',
    route: PACKAGE,
    as: 'admin',
    csrf: false,
    request: () => ({ path: `${PACKAGES}/express`, ...json({ pricePerM2: { min: 1, max: 2 } }) }),
    expect: csrfFailed,
  },
  {
    name: 'min above max',
    route: PACKAGE,
    as: 'admin',
    request: () => ({ path: `${PACKAGES}/express`, ...json({ pricePerM2: { min: 2000, max: 1000 } }) }),
    expect: validation,
  },
  {
    name: 'a negative price',
    route: PACKAGE,
    as: 'admin',
    request: () => ({ path: `${PACKAGES}/express`, ...json({ pricePerM2: { min: -5, max: 10 } }) }),
    expect: validation,
  },
  {
    name: 'a price as text',
    route: PACKAGE,
    as: 'admin',
    request: () => ({ path: `${PACKAGES}/express`, ...json({ pricePerM2: { min: '999', max: '999' } }) }),
    expect: validation,
  },
  {
    name: 'changing the currency',
    route: PACKAGE,
    as: 'admin',
    request: () => ({
      path: `${PACKAGES}/express`,
      ...json({ pricePerM2: { min: 1, max: 2, currency: 'EUR' } }),
    }),
    expect: validation,
  },
  {
    name: 'nothing to change',
    route: PACKAGE,
    as: 'admin',
    request: () => ({ path: `${PACKAGES}/express`, ...json({}) }),
    expect: validation,
  },
  {
    name: 'an empty summary',
    route: PACKAGE,
    as: 'admin',
    request: () => ({ path: `${PACKAGES}/express`, ...json({ summary: { pl: ' ', en: 'x' } }) }),
    expect: validation,
  },
  {
    name: 'an empty inclusions list',
    route: PACKAGE,
    as: 'admin',
    request: () => ({ path: `${PACKAGES}/express`, ...json({ includes: { pl: [], en: ['x'] } }) }),
    expect: validation,
  },
  {
    name: 'a path-like id',
    route: PACKAGE,
    as: 'admin',
    request: () => ({
      path: `${PACKAGES}/${encodeURIComponent('../business')}`,
      ...json({ pricePerM2: { min: 1, max: 2 } }),
    }),
    expect: validation,
  },
  {
    name: 'an unknown package',
    route: PACKAGE,
    as: 'admin',
    request: () => ({ path: `${PACKAGES}/nope`, ...json({ pricePerM2: { min: 1, max: 2 } }) }),
    expect: notFound,
  },
  {
    name: 'broken JSON',
    route: PACKAGE,
    as: 'admin',
    request: () => ({
      path: `${PACKAGES}/express`,
      headers: { 'content-type': 'application/json' },
      body: '{"pricePerM2": {',
    }),
    expect: invalidJson,
  },

  // POST /api/v1/admin/knowledge/faq ---------------------------------------------------------------
  { name: 'no credentials', route: `POST ${FAQ_LIST}`, request: () => json(FAQ), expect: unauthorized },
  { name: 'a viewer', route: `POST ${FAQ_LIST}`, as: 'viewer', request: () => json(FAQ), expect: forbidden },
  {
    name: 'a viewer-role token',
    route: `POST ${FAQ_LIST}`,
    as: 'readerToken',
    request: () => json(FAQ),
    expect: forbidden,
  },
  {
    name: 'no CSRF token',
    route: `POST ${FAQ_LIST}`,
    as: 'operator',
    csrf: false,
    request: () => json(FAQ),
    expect: csrfFailed,
  },
  {
    name: 'a missing English answer',
    route: `POST ${FAQ_LIST}`,
    as: 'operator',
    request: () => json({ ...FAQ, answer: { pl: 'Tak.' } }),
    expect: validation,
  },
  {
    name: 'a third language',
    route: `POST ${FAQ_LIST}`,
    as: 'operator',
    request: () => json({ ...FAQ, question: { ...FAQ.question, de: 'Frage?' } }),
    expect: validation,
  },
  {
    name: 'an id with upper case and spaces',
    route: `POST ${FAQ_LIST}`,
    as: 'operator',
    request: () => json({ ...FAQ, id: 'My Entry' }),
    expect: validation,
  },
  {
    name: 'tags as a string',
    route: `POST ${FAQ_LIST}`,
    as: 'operator',
    request: () => json({ ...FAQ, tags: 'raty' }),
    expect: validation,
  },
  {
    name: 'an answer far too long',
    route: `POST ${FAQ_LIST}`,
    as: 'operator',
    request: () => json({ ...FAQ, answer: { pl: 'x'.repeat(5001), en: 'x' } }),
    expect: validation,
  },
  {
    name: 'a malformed group id',
    route: `POST ${FAQ_LIST}`,
    as: 'operator',
    request: () => json({ ...FAQ, fromGroup: "q1' OR 1=1" }),
    expect: validation,
  },
  {
    name: 'a group that does not exist',
    route: `POST ${FAQ_LIST}`,
    as: 'operator',
    request: () => json({ ...FAQ, fromGroup: 'q000000000000' }),
    expect: notFound,
  },
  {
    name: 'a form body',
    route: `POST ${FAQ_LIST}`,
    as: 'operator',
    request: () => ({ headers: { 'content-type': 'application/xml' }, body: '<faq/>' }),
    expect: unsupported,
  },

  // PUT /api/v1/admin/knowledge/faq/:id ------------------------------------------------------------
  {
    name: 'no credentials',
    route: `PUT ${FAQ_ONE}`,
    request: () => ({ path: `${FAQ_LIST}/faq-x`, ...json(FAQ) }),
    expect: unauthorized,
  },
  {
    name: 'a viewer',
    route: `PUT ${FAQ_ONE}`,
    as: 'viewer',
    request: () => ({ path: `${FAQ_LIST}/faq-x`, ...json(FAQ) }),
    expect: forbidden,
  },
  {
    name: 'an empty question',
    route: `PUT ${FAQ_ONE}`,
    as: 'operator',
    request: () => ({ path: `${FAQ_LIST}/faq-x`, ...json({ ...FAQ, question: { pl: '', en: '' } }) }),
    expect: validation,
  },
  {
    name: 'changing the id in the body',
    route: `PUT ${FAQ_ONE}`,
    as: 'operator',
    request: () => ({ path: `${FAQ_LIST}/faq-x`, ...json({ ...FAQ, id: 'faq-y' }) }),
    expect: validation,
  },
  {
    name: 'an unknown entry',
    route: `PUT ${FAQ_ONE}`,
    as: 'operator',
    request: () => ({ path: `${FAQ_LIST}/no-such-entry`, ...json(FAQ) }),
    expect: notFound,
  },

  // DELETE /api/v1/admin/knowledge/faq/:id ---------------------------------------------------------
  {
    name: 'no credentials',
    route: `DELETE ${FAQ_ONE}`,
    request: () => ({ path: `${FAQ_LIST}/faq-x` }),
    expect: unauthorized,
  },
  {
    name: 'a viewer',
    route: `DELETE ${FAQ_ONE}`,
    as: 'viewer',
    request: () => ({ path: `${FAQ_LIST}/faq-x` }),
    expect: forbidden,
  },
  {
    name: 'no CSRF token',
    route: `DELETE ${FAQ_ONE}`,
    as: 'operator',
    csrf: false,
    request: () => ({ path: `${FAQ_LIST}/faq-x` }),
    expect: csrfFailed,
  },
  {
    name: 'a path-like id',
    route: `DELETE ${FAQ_ONE}`,
    as: 'operator',
    request: () => ({ path: `${FAQ_LIST}/${encodeURIComponent('../panel')}` }),
    expect: validation,
  },
  {
    name: 'an unknown entry',
    route: `DELETE ${FAQ_ONE}`,
    as: 'operator',
    request: () => ({ path: `${FAQ_LIST}/no-such-entry` }),
    expect: notFound,
  },
];
