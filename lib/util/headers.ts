/**
 * Request headers as uWS hands them out (names and values alternating, names lower-case) → an object.
 * Shared by the Connector's `headers`, `@OnUpgrade`'s request and HTTP handlers' `req.headers`.
 */

/** A null-prototype object; a repeated name's values are joined with ", " (RFC 9110 §5.3). */
export function headerRecord(raw: readonly string[]): Record<string, string> {
  const headers = Object.create(null) as Record<string, string>;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const value = raw[i + 1]!;
    const previous = headers[name];
    headers[name] = previous === undefined ? value : `${previous}, ${value}`;
  }
  return headers;
}

/** The same, frozen: what WebSocket handlers see, valid for the connection's life. */
export function headersOf(raw: readonly string[]): Readonly<Record<string, string>> {
  return Object.freeze(headerRecord(raw));
}
