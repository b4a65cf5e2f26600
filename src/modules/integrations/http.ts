/** JSON over HTTP to outside providers, with the status mapped to transient or permanent failures. */
import { PermanentProviderError, TransientProviderError } from './resilience.js';

const MAX_BODY = 64 * 1024;

export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string>,
  signal: AbortSignal,
  rawBody?: string,
): Promise<{ status: number; json: unknown }> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'Frontdesk', ...headers },
      body: rawBody ?? JSON.stringify(body),
      signal,
      redirect: 'error',
    });
  } catch (err) {
    throw new TransientProviderError(`request failed: ${(err as Error).name}`);
  }
  const text = (await res.text().catch(() => '')).slice(0, MAX_BODY);
  if (res.status >= 500 || res.status === 408 || res.status === 429) {
    throw new TransientProviderError(`provider answered ${res.status}`);
  }
  if (res.status >= 400) throw new PermanentProviderError(`provider refused the request: ${res.status}`);
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: res.status, json };
}
