/**
 * uWS writes a peer's IPv6 address in full (`0000:0000:0000:0000:0000:ffff:7f00:0001` for an IPv4 client
 * of a dual-stack listener). Apps compare addresses with allowlists and X-Forwarded-For values, which
 * use the usual text forms, so the address is rewritten once, at upgrade: an IPv4 client in dotted form
 * (`127.0.0.1`, as a listener on an IPv4 address already reports it), any other IPv6 address in its
 * RFC 5952 form (`::1`, `2001:db8::7`). A shorter string is also less memory kept per connection.
 */
const MAPPED_PREFIX = '0000:0000:0000:0000:0000:ffff:';

export function addressText(address: string): string {
  if (!address.includes(':')) return address;
  if (address.startsWith(MAPPED_PREFIX) && address.length === MAPPED_PREFIX.length + 9) {
    const hex = address.slice(MAPPED_PREFIX.length).replace(':', '');
    const n = parseInt(hex, 16);
    if (hex.length === 8 && !Number.isNaN(n)) return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
  }
  const groups = address.split(':');
  if (groups.length !== 8 || groups.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return address;
  const short = groups.map((g) => parseInt(g, 16).toString(16));
  // The longest run of two or more zero groups (the first of equal runs) becomes "::".
  let best = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && short[j] === '0') j++;
    if (j - i > bestLength) [best, bestLength] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  if (best < 0) return short.join(':');
  return `${short.slice(0, best).join(':')}::${short.slice(best + bestLength).join(':')}`;
}
