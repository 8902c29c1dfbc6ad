import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';

/**
 * Which addresses and names count as this machine's loopback, and which `Host` headers the server
 * answers. A browser page on a hostile domain can re-point its name at 127.0.0.1 (DNS rebinding)
 * and reach the server; its requests still carry the hostile name in `Host`, so only requests
 * addressed to a loopback name, a loopback address, or the host the user bound to are served.
 */

/** `localhost`, `*.localhost` (RFC 6761), 127.0.0.0/8, `::1` and IPv4-mapped loopback. */
function isLoopbackHost(host: string): boolean {
  const name = host
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '');
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (isIP(name) === 4) return name.startsWith('127.');
  if (isIP(name) === 6) {
    if (name === '::1' || name === '0:0:0:0:0:0:0:1') return true;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(name);
    return mapped?.[1] !== undefined && mapped[1].startsWith('127.');
  }
  return false;
}

/** The host part of a `Host` header (`name`, `name:port`, `[v6]:port`), lower-cased. */
function hostOfHeader(header: string): string {
  const trimmed = header.trim().toLowerCase();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(trimmed);
  if (bracketed?.[1]) return bracketed[1];
  if (isIP(trimmed) === 6) return trimmed;
  return trimmed.replace(/:\d+$/, '').replace(/\.$/, '');
}

const WILDCARDS = new Set(['0.0.0.0', '::', '0:0:0:0:0:0:0:0']);

/**
 * The `Host` check for a server bound to `boundHost`: loopback always; the bound name or address
 * itself; and, when bound to every interface, this machine's own interface addresses.
 */
function createHostPolicy(boundHost: string): (hostHeader: string | undefined) => boolean {
  const bound = hostOfHeader(boundHost);
  const interfaceAddresses = WILDCARDS.has(bound)
    ? new Set(
        Object.values(networkInterfaces())
          .flat()
          .map((info) => info?.address.toLowerCase()),
      )
    : new Set<string | undefined>();
  return (hostHeader) => {
    if (hostHeader === undefined || hostHeader === '') return false;
    const host = hostOfHeader(hostHeader);
    return isLoopbackHost(host) || host === bound || interfaceAddresses.has(host);
  };
}

/** True for an `http(s)://` URL whose host is loopback (a function running on this machine). */
function isLoopbackUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return (url.protocol === 'http:' || url.protocol === 'https:') && isLoopbackHost(url.hostname);
}

export { createHostPolicy, isLoopbackHost, isLoopbackUrl };
