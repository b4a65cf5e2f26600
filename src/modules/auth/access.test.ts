import { describe, expect, it } from 'vitest';
import { roleAtLeast, scopeGrants } from './access.js';
import { isPublicRoute } from './public-routes.js';
import { passwordProblem } from './secrets.js';

describe('roles and scopes', () => {
  it('orders roles viewer < operator < admin', () => {
    expect(roleAtLeast('admin', 'operator')).toBe(true);
    expect(roleAtLeast('operator', 'operator')).toBe(true);
    expect(roleAtLeast('viewer', 'operator')).toBe(false);
    expect(roleAtLeast('operator', 'admin')).toBe(false);
  });

  it('grants a scope, its read half through write, and everything through admin:*', () => {
    expect(scopeGrants(['leads:read'], 'leads:read')).toBe(true);
    expect(scopeGrants(['leads:write'], 'leads:read')).toBe(true);
    expect(scopeGrants(['leads:read'], 'leads:write')).toBe(false);
    expect(scopeGrants(['leads:write'], 'conversations:read')).toBe(false);
    expect(scopeGrants(['admin:*'], 'conversations:write')).toBe(true);
    expect(scopeGrants(['admin:*'], undefined)).toBe(true);
    expect(scopeGrants(['leads:write'], undefined)).toBe(false);
  });
});

describe('public routes', () => {
  it('matches exact patterns, prefixes, and HEAD as GET', () => {
    expect(isPublicRoute('POST', '/api/v1/auth/login')).toBe(true);
    expect(isPublicRoute('GET', '/api/v1/auth/login')).toBe(false);
    expect(isPublicRoute('HEAD', '/health/live')).toBe(true);
    expect(isPublicRoute('GET', '/docs/json')).toBe(true);
    expect(isPublicRoute('GET', '/api/v1/admin/users')).toBe(false);
  });
});

describe('password policy', () => {
  it('refuses short, repetitive, guessable passwords and ones containing the e-mail', () => {
    expect(passwordProblem('short')).toMatch(/at least 12/);
    expect(passwordProblem('aaaaaaaaaaaaaaaa')).toMatch(/different characters/);
    expect(passwordProblem('Password-2024-long')).toMatch(/easy to guess/);
    expect(passwordProblem('anna.nowak-2024!', 'anna.nowak@example.pl')).toMatch(/e-mail/);
    expect(passwordProblem('Kolorowa-Podloga-77')).toBeUndefined();
  });
});
