/**
 * Where webhooks may be sent. Integrators create subscriptions, so a URL must not reach the server's own network:
 * loopback, link-local, private and other non-public addresses are refused unless the operator allows their range
 * (GONGZHI_WEBHOOK_ALLOW, comma-separated CIDR ranges). A URL is checked when the subscription is made and every
 * address its host resolves to is checked again at each delivery, at connection time (so a name that later
 * resolves elsewhere cannot slip through).
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import ipaddr from 'ipaddr.js';

export type AllowList = [ipaddr.IPv4 | ipaddr.IPv6, number][];

/** Parses `127.0.0.0/8,::1/128`; a malformed range is an error naming it. */
export function parseAllowList(text: string | undefined): AllowList {
  if (!text?.trim()) return [];
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((cidr) => {
      try {
        return ipaddr.parseCIDR(cidr);
      } catch {
        throw new Error(`GONGZHI_WEBHOOK_ALLOW: 无效的 CIDR 范围 / not a CIDR range: ${cidr}`);
      }
    });
}

/** Whether an address may be a webhook destination: a public unicast address, or one in an allowed range. */
export function addressAllowed(address: string, allow: AllowList): boolean {
  let ip: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    ip = ipaddr.process(address);
  } catch {
    return false;
  }
  if (allow.some(([range, bits]) => range.kind() === ip.kind() && ip.match(range, bits))) return true;
  return ip.range() === 'unicast';
}

export class DestinationRefused extends Error {
  constructor(
    readonly host: string,
    readonly address: string,
  ) {
    super(`webhook destination ${host} (${address}) is not allowed`);
  }
}

/** A `dns.lookup` for http.request that refuses destinations `addressAllowed` rejects. */
export function guardedLookup(allow: AllowList) {
  return (
    hostname: string,
    options: object,
    callback: (err: Error | null, address: string | LookupAddress[], family?: number) => void,
  ) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      const list = addresses as LookupAddress[];
      const bad = list.find((a) => !addressAllowed(a.address, allow));
      if (bad) return callback(new DestinationRefused(hostname, bad.address), '', 0);
      if ((options as { all?: boolean }).all) return callback(null, list);
      return callback(null, list[0].address, list[0].family);
    });
  };
}

/** The addresses of a URL's host that are not allowed (resolved now); empty when it is fine or cannot be resolved yet. */
export async function refusedAddresses(url: string, allow: AllowList): Promise<string[]> {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  if (ipaddr.isValid(host)) return addressAllowed(host, allow) ? [] : [host];
  const addresses = await new Promise<LookupAddress[]>((resolve) => {
    dnsLookup(host, { all: true }, (err, list) => resolve(err ? [] : list));
  });
  return addresses.filter((a) => !addressAllowed(a.address, allow)).map((a) => a.address);
}
