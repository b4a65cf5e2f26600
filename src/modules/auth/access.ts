/**
 * Roles and API-token scopes. Roles are ordered viewer < operator < admin; a route names the least
 * role it needs and, for API tokens, the scope it needs.
 */

export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/**
 * The scopes an API token can carry. `<area>:write` includes `<area>:read`; `admin:*` includes every
 * scope. A route that names no scope is reachable by tokens with `admin:*` only.
 */
export const SCOPES = [
  'leads:read',
  'leads:write',
  'conversations:read',
  'conversations:write',
  'knowledge:read',
  'knowledge:write',
  'analytics:read',
  'privacy:read',
  'privacy:write',
  'admin:*',
] as const;
export type Scope = (typeof SCOPES)[number];

export const ALL_SCOPES = 'admin:*' satisfies Scope;

export interface AccessRule {
  /** The least role that may call the route. */
  role: Role;
  /** The scope an API token needs; omitted means only tokens with `admin:*`. */
  scope?: Scope;
  /** `session` refuses API tokens (for routes that only make sense in the browser). Default `any`. */
  via?: 'any' | 'session';
}

export function roleRank(role: Role): number {
  return ROLES.indexOf(role);
}

export function roleAtLeast(actual: Role, needed: Role): boolean {
  return roleRank(actual) >= roleRank(needed);
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function isScope(value: unknown): value is Scope {
  return typeof value === 'string' && (SCOPES as readonly string[]).includes(value);
}

/** True when a token holding `granted` may use a route that needs `needed` (undefined: admin:* only). */
export function scopeGrants(granted: readonly string[], needed: Scope | undefined): boolean {
  if (granted.includes(ALL_SCOPES)) return true;
  if (needed === undefined || needed === ALL_SCOPES) return false;
  if (granted.includes(needed)) return true;
  const [area, level] = needed.split(':');
  return level === 'read' && granted.includes(`${area}:write`);
}
