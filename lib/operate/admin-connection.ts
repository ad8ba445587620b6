/**
 * One connection in detail for the inspection page: what it is (route, peer, age, rooms), what it holds
 * (its state's keys; their values only when the page may act) and what it has moved (frames each way,
 * the bytes waiting in its send buffer). Read from the one connection asked for, never from a list.
 */

/** What the page reads of a connection (the runtime's Connection has these members). */
export interface InspectedConnection {
  readonly id: string;
  readonly route: { readonly pattern: string };
  readonly remoteAddress: string;
  readonly openedAt: number;
  readonly rooms: ReadonlySet<string>;
  readonly state: object;
  readonly messagesIn: number;
  readonly messagesOut: number;
  readonly bufferedAmount: number;
  readonly isOpen: boolean;
  close(code: number, reason: string): void;
}

/** Rooms listed for one connection; `roomCount` tells when there are more. */
const ROOMS_SHOWN = 100;
/** A state value longer than this (as JSON) is cut, so one large value cannot make the page heavy. */
const VALUE_CHARS = 2000;

function shown(value: unknown): unknown {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    return '(not JSON: a cycle or a BigInt)';
  }
  if (text === undefined) return `(${typeof value})`;
  return text.length > VALUE_CHARS ? `${text.slice(0, VALUE_CHARS)}… (${text.length} characters)` : value;
}

export function connectionDetail(c: InspectedConnection, node: string, readonly: boolean): object {
  const rooms: string[] = [];
  for (const room of c.rooms) {
    if (rooms.length === ROOMS_SHOWN) break;
    rooms.push(room);
  }
  const keys = Object.keys(c.state);
  const state = readonly ? { keys } : { keys, values: Object.fromEntries(keys.map((k) => [k, shown((c.state as Record<string, unknown>)[k])])) };
  return {
    id: c.id,
    node,
    route: c.route.pattern,
    remoteAddress: c.remoteAddress,
    openedAt: c.openedAt,
    age: Math.round((Date.now() - c.openedAt) / 1000),
    open: c.isOpen,
    rooms,
    roomCount: c.rooms.size,
    state,
    messagesIn: c.messagesIn,
    messagesOut: c.messagesOut,
    bufferedAmount: c.bufferedAmount,
  };
}
