/**
 * Client addresses as the rate limiter and the blocklist see them. An IPv4 address (also one mapped
 * into IPv6) is kept as it is; an IPv6 address is reduced to its /64 network, because one household
 * or server gets a whole /64 and could otherwise step around a limit by changing the low bits.
 */
import net from 'node:net';

function expandIpv6(address: string): number[] | undefined {
  let text = address.split('%')[0] ?? '';
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4?.[1]) {
    const parts = v4[1].split('.').map(Number);
    const [a = 0, b = 0, c = 0, d = 0] = parts;
    text = `${text.slice(0, -v4[1].length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const missing = 8 - left.length - right.length;
  if (tail === undefined ? missing !== 0 : missing < 0) return undefined;
  const groups = [...left, ...Array<string>(tail === undefined ? 0 : missing).fill('0'), ...right];
  const numbers = groups.map((g) => parseInt(g, 16));
  return numbers.length === 8 && numbers.every((n) => Number.isInteger(n) && n >= 0 && n <= 0xffff)
    ? numbers
    : undefined;
}

/**
 * The key of a client address: `203.0.113.7`, or `2001:db8:1:2::/64` for any IPv6 address in that
 * network. Returns undefined for something that is not an IP address.
 */
export function clientAddressKey(address: string): string | undefined {
  const trimmed = address.trim();
  const version = net.isIP(trimmed.split('%')[0] ?? '');
  if (version === 4) return trimmed;
  if (version !== 6) {
    const network = /^(.+)\/64$/.exec(trimmed);
    return network?.[1] && net.isIP(network[1]) === 6 ? clientAddressKey(network[1]) : undefined;
  }
  const groups = expandIpv6(trimmed);
  if (!groups) return undefined;
  const mapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
  if (mapped) {
    const hi = groups[6] ?? 0;
    const lo = groups[7] ?? 0;
    return `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
  }
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}
