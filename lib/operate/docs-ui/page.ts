/**
 * The docs page's script (inlined in the page `app.docs()` serves; bundled by esbuild, checked by its own
 * tsconfig with the DOM types). It renders the AsyncAPI document embedded in the page (routes, events,
 * schemas, examples, errors) and drives the live console over a plain WebSocket to the same host. No
 * library and no network besides that socket: the page works offline.
 */

/** The parts of a JSON Schema the page shows; any other keyword is read only by name, as a rule. */
interface Schema {
  readonly $ref?: string;
  readonly type?: string | readonly string[];
  readonly format?: string;
  readonly const?: unknown;
  readonly enum?: readonly unknown[];
  readonly anyOf?: readonly Schema[];
  readonly oneOf?: readonly Schema[];
  readonly items?: Schema;
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly required?: readonly string[];
  readonly description?: string;
  readonly examples?: readonly unknown[];
  readonly default?: unknown;
  readonly minLength?: number;
  readonly minimum?: number;
  readonly [keyword: string]: unknown;
}

interface Ref {
  readonly $ref: string;
}

interface Message {
  readonly name?: string;
  readonly title?: string;
  readonly summary?: string;
  readonly payload?: Schema;
  readonly examples?: readonly { readonly payload?: unknown }[];
  readonly 'x-error-codes'?: Readonly<Record<string, string>>;
}

interface Operation {
  readonly action: 'send' | 'receive';
  readonly channel: Ref;
  readonly title: string;
  readonly summary?: string;
  readonly messages: readonly Ref[];
  readonly reply?: { readonly messages: readonly Ref[] };
}

interface ChannelDoc {
  readonly address: string;
  readonly title?: string;
  readonly summary?: string;
  readonly parameters?: Readonly<Record<string, unknown>>;
  readonly bindings?: { readonly ws?: { readonly query?: Schema; readonly headers?: Schema } };
}

interface Document {
  readonly channels?: Readonly<Record<string, ChannelDoc>>;
  readonly operations?: Readonly<Record<string, Operation>>;
  readonly components?: { readonly messages?: { readonly error?: Message } };
}

const doc = JSON.parse(document.getElementById('asyncapi')!.textContent) as Document;
const channels = doc.channels ?? {};
const operations = doc.operations ?? {};

type Child = Node | string | null | false | undefined;

/** An element with attributes (`text` sets its text, `class` its class name) and children. */
function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Readonly<Record<string, string>> = {},
  children: readonly Child[] = [],
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === 'text') node.textContent = value;
    else if (key === 'class') node.className = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) if (child) node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  return node;
}

/** The node a local `$ref` points to (through chains of them, at most 20), or the node itself. */
function resolve<T extends object>(node: T | Ref | undefined): T {
  let at: unknown = node;
  let seen = 0;
  while (at && typeof (at as Partial<Ref>).$ref === 'string' && (at as Ref).$ref.startsWith('#') && seen++ < 20) {
    at = (at as Ref).$ref
      .slice(2)
      .split('/')
      .reduce<unknown>(
        (inside, key) => (inside === undefined ? undefined : (inside as Record<string, unknown>)[key.replace(/~1/g, '/').replace(/~0/g, '~')]),
        doc,
      );
  }
  return (at ?? {}) as T;
}

function typeText(schema: Schema): string {
  const s = resolve(schema);
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(' | ');
  const union = s.anyOf ?? s.oneOf;
  if (union) return union.map(typeText).join(' | ');
  if (s.type === 'array') return `array of ${typeText(s.items ?? {})}`;
  if (typeof s.type === 'string') return s.type + (s.format ? ` (${s.format})` : '');
  if (s.type) return s.type.join(' | ');
  if (s.properties) return 'object';
  return 'any JSON';
}

const CONSTRAINTS = [
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minItems',
  'maxItems',
  'pattern',
  'format',
  'default',
];

function constraints(s: Schema): string {
  return CONSTRAINTS.filter((k) => s[k] !== undefined && !(k === 'format' && s.type === 'string'))
    .map((k) => `${k}: ${typeof s[k] === 'string' ? s[k] : JSON.stringify(s[k])}`)
    .join(', ');
}

/** A schema as a table of its fields, nested objects indented; a scalar schema as one line. */
function schemaView(schema: Schema | undefined): HTMLElement {
  const s = resolve(schema);
  const rows: HTMLElement[] = [];
  const walk = (name: string, field: Schema, required: boolean, depth: number): void => {
    const node = resolve(field);
    const item = node.type === 'array' ? resolve(node.items ?? {}) : null;
    rows.push(
      el('tr', {}, [
        el('td', { class: 'field', style: `padding-left:${0.5 + depth * 1.2}em` }, [
          el('code', { text: name }),
          required && el('span', { class: 'req', text: ' required' }),
        ]),
        el('td', {}, [el('code', { class: 'type', text: typeText(node) })]),
        el('td', { class: 'constraints', text: [node.description ?? '', constraints(node)].filter(Boolean).join(' · ') }),
      ]),
    );
    const inner = node.properties ? node : item?.properties ? item : null;
    if (inner?.properties && depth < 6) {
      const req = inner.required ?? [];
      for (const [key, value] of Object.entries(inner.properties)) walk(key + (inner === item ? '[]' : ''), value, req.includes(key), depth + 1);
    }
  };
  if (!s.properties) return el('p', { class: 'scalar' }, [el('code', { class: 'type', text: typeText(s) }), ` ${constraints(s)}`]);
  const req = s.required ?? [];
  for (const [key, value] of Object.entries(s.properties)) walk(key, value, req.includes(key), 0);
  const head = el('thead', {}, [el('tr', {}, [el('th', { text: 'field' }), el('th', { text: 'type' }), el('th', { text: 'rules' })])]);
  return el('table', { class: 'schema' }, [head, el('tbody', {}, rows)]);
}

/** A value that fits a schema, for the console when the schema has no example. */
function sample(schema: Schema, depth: number): unknown {
  const s = resolve(schema);
  if (s.examples?.length) return s.examples[0];
  if (s.const !== undefined) return s.const;
  if (s.default !== undefined) return s.default;
  if (s.enum) return s.enum[0];
  const union = s.anyOf ?? s.oneOf;
  if (union) return sample(union[0]!, depth);
  const type = Array.isArray(s.type) ? (s.type as readonly string[])[0] : s.type;
  if (type === 'string') return s.minLength !== undefined && s.minLength > 5 ? 'x'.repeat(s.minLength) : 'hello';
  if (type === 'number' || type === 'integer') return s.minimum ?? 0;
  if (type === 'boolean') return false;
  if (type === 'null') return null;
  if (type === 'array') return depth > 4 ? [] : [sample(s.items ?? {}, depth + 1)];
  if (type === 'object' || s.properties) {
    const out: Record<string, unknown> = {};
    if (depth < 5) for (const [key, value] of Object.entries(s.properties ?? {})) out[key] = sample(value, depth + 1);
    return out;
  }
  return {};
}

function exampleFrame(message: Message | Ref): unknown {
  const m = resolve<Message>(message);
  const example = m.examples?.[0];
  if (example?.payload !== undefined) return example.payload;
  return sample(m.payload ?? {}, 0);
}

function pre(value: unknown): HTMLElement {
  return el('pre', { class: 'json', text: typeof value === 'string' ? value : JSON.stringify(value, null, 2) });
}

function addressView(address: string): HTMLElement {
  return el(
    'code',
    { class: 'address' },
    address.split(/(\{[^}]+\})/).map((part) => (part.startsWith('{') ? el('span', { class: 'param', text: part }) : part)),
  );
}

const operationsOf = (id: string): Operation[] => Object.values(operations).filter((op) => op.channel.$ref === `#/channels/${id}`);

// ── The reference: one section per route ─────────────────────────────────────────────────────

/** One operation of a route: its messages' schemas and examples, and its reply's. */
function operationView(op: Operation): HTMLElement {
  const receives = op.action === 'receive';
  const box = el('div', { class: `op ${op.action}` }, [
    el('h3', {}, [el('span', { class: `badge ${op.action}`, text: receives ? 'client → server' : 'server → client' }), el('span', { text: op.title })]),
    el('p', { class: 'muted', text: op.summary ?? '' }),
  ]);
  for (const ref of op.messages) {
    const m = resolve<Message>(ref);
    if (m.name === 'error' && !receives) continue;
    if (!receives) box.appendChild(el('h4', { text: m.title ?? m.name ?? '' }));
    const payload = resolve(m.payload);
    box.appendChild(schemaView(payload.properties?.['data'] ?? payload));
    box.appendChild(el('details', {}, [el('summary', { text: 'frame example' }), pre(exampleFrame(m))]));
  }
  for (const ref of op.reply?.messages ?? []) {
    const m = resolve<Message>(ref);
    if (m.name === 'error') continue;
    box.appendChild(el('h4', { text: 'Reply' }));
    box.appendChild(schemaView(resolve(m.payload).properties?.['data']));
    box.appendChild(el('p', { class: 'muted', text: 'Sent as {"event":…,"id":…,"data":…} with the id of the request; an error frame instead when it fails.' }));
  }
  return box;
}

const nav = document.getElementById('nav')!;
const routes = document.getElementById('routes')!;
for (const [id, ch] of Object.entries(channels)) {
  nav.appendChild(el('a', { href: `#route-${id}` }, [el('span', { class: 'nav-title', text: ch.title ?? id }), el('code', { text: ch.address })]));
  const section = el('section', { class: 'route', id: `route-${id}` }, [
    el('h2', {}, [addressView(ch.address), el('span', { class: 'route-name', text: ch.title ?? id })]),
    ch.summary && el('p', { class: 'muted', text: ch.summary }),
  ]);
  const params = Object.keys(ch.parameters ?? {});
  const ws = ch.bindings?.ws;
  if (params.length > 0 || ws) {
    const list = el('ul', { class: 'inputs' });
    for (const p of params) list.appendChild(el('li', {}, [el('code', { text: p }), ' path parameter']));
    for (const q of Object.keys(ws?.query?.properties ?? {})) list.appendChild(el('li', {}, [el('code', { text: `?${q}` }), ' query parameter']));
    for (const h of Object.keys(ws?.headers?.properties ?? {})) list.appendChild(el('li', {}, [el('code', { text: h }), ' header']));
    section.appendChild(list);
  }
  for (const op of operationsOf(id)) section.appendChild(operationView(op));
  routes.appendChild(section);
}

const errors = doc.components?.messages?.error;
if (errors) {
  const codes = errors['x-error-codes'] ?? {};
  const rows = Object.entries(codes).map(([code, meaning]) => el('tr', {}, [el('td', {}, [el('code', { text: code })]), el('td', { text: meaning })]));
  rows.push(el('tr', {}, [el('td', { text: 'your codes' }), el('td', { text: 'what a handler throws with new WsError(code, message)' })]));
  document
    .getElementById('errors')!
    .appendChild(
      el('div', {}, [el('p', { text: errors.summary ?? '' }), pre(errors.examples?.[0]?.payload), el('table', { class: 'codes' }, [el('tbody', {}, rows)])]),
    );
}

// ── The live console ──────────────────────────────────────────────────────────────────────────

const byId = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const routeSelect = byId<HTMLSelectElement>('console-route');
const paramsBox = byId<HTMLElement>('console-params');
const queryInput = byId<HTMLInputElement>('console-query');
const connectButton = byId<HTMLButtonElement>('console-connect');
const statusView = byId<HTMLElement>('console-status');
const messageSelect = byId<HTMLSelectElement>('console-message');
const frameInput = byId<HTMLTextAreaElement>('console-frame');
const sendButton = byId<HTMLButtonElement>('console-send');
const log = byId<HTMLElement>('console-log');
let socket: WebSocket | null = null;
let nextId = 1;

for (const [id, ch] of Object.entries(channels)) routeSelect.appendChild(el('option', { value: id, text: ch.address }));

function setStatus(state: 'connecting' | 'open' | 'closed', text: string): void {
  statusView.dataset['state'] = state;
  statusView.textContent = text;
  connectButton.textContent = state === 'closed' ? 'Connect' : 'Disconnect';
  sendButton.disabled = state !== 'open';
}

function chooseRoute(): void {
  const id = routeSelect.value;
  const ch = channels[id]!;
  paramsBox.innerHTML = '';
  for (const p of Object.keys(ch.parameters ?? {}))
    paramsBox.appendChild(el('label', {}, [p, el('input', { 'data-param': p, value: p === 'room' ? 'lobby' : '1' })]));
  const query = ch.bindings?.ws?.query;
  queryInput.placeholder = query
    ? Object.keys(query.properties ?? {})
        .map((q) => `${q}=…`)
        .join('&')
    : 'name=value&…';
  messageSelect.innerHTML = '';
  for (const op of operationsOf(id)) if (op.action === 'receive') messageSelect.appendChild(el('option', { value: op.messages[0]!.$ref, text: op.title }));
  chooseMessage();
}

/** The frame box filled with the chosen message's example, numbered with the next request id. */
function chooseMessage(): void {
  const ref = messageSelect.value;
  if (!ref) {
    frameInput.value = '';
    return;
  }
  let frame = exampleFrame({ $ref: ref });
  if (frame && typeof frame === 'object' && 'event' in frame) frame = { ...frame, id: nextId };
  frameInput.value = typeof frame === 'string' ? frame : JSON.stringify(frame, null, 2);
}

function url(): string {
  const address = channels[routeSelect.value]!.address.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const input = paramsBox.querySelector<HTMLInputElement>(`[data-param="${name}"]`);
    return encodeURIComponent(input ? input.value : '');
  });
  const query = queryInput.value.replace(/^\?/, '');
  return `${location.protocol === 'https:' ? 'wss://' : 'ws://'}${location.host}${address}${query ? `?${query}` : ''}`;
}

function write(direction: 'in' | 'out' | 'info', text: string, note = ''): void {
  const arrow = direction === 'in' ? '←' : direction === 'out' ? '→' : '•';
  log.appendChild(
    el('li', { class: direction }, [
      el('span', { class: 'time', text: new Date().toLocaleTimeString() }),
      el('span', { class: 'dir', text: arrow }),
      el('code', { text }),
      note && el('span', { class: 'note', text: note }),
    ]),
  );
  log.scrollTop = log.scrollHeight;
}

/** What a received frame is: a reply, an error (to which request) or a push; '' when it is not JSON. */
function noteOf(text: string): string {
  let frame: { readonly id?: number | string; readonly event?: unknown; readonly error?: { readonly code?: string } } | null;
  try {
    frame = JSON.parse(text) as typeof frame;
  } catch {
    return '';
  }
  if (frame?.error) return `error ${frame.error.code}${frame.id !== undefined ? ` · request #${frame.id}` : ''}`;
  if (frame?.id !== undefined) return `reply to request #${frame.id}`;
  return frame?.event ? 'push' : '';
}

connectButton.addEventListener('click', () => {
  if (socket) {
    socket.close(1000);
    return;
  }
  const target = url();
  write('info', `connecting to ${target}`);
  setStatus('connecting', 'connecting…');
  const opened = new WebSocket(target);
  opened.binaryType = 'arraybuffer';
  opened.onopen = () => {
    setStatus('open', 'open');
    write('info', 'open');
  };
  opened.onmessage = (e: MessageEvent<string | ArrayBuffer>) => {
    const text = typeof e.data === 'string' ? e.data : `<binary, ${e.data.byteLength} bytes>`;
    write('in', text, noteOf(text));
  };
  opened.onclose = (e) => {
    write('info', `closed ${e.code}${e.reason ? ` ${e.reason}` : ''}`);
    setStatus('closed', `closed (${e.code})`);
    socket = null;
  };
  socket = opened;
});

sendButton.addEventListener('click', () => {
  if (!socket) return;
  let text = frameInput.value;
  try {
    const frame = JSON.parse(text) as unknown;
    if (frame && typeof frame === 'object' && 'event' in frame) {
      const request = frame as { id?: unknown };
      request.id ??= nextId;
      nextId = typeof request.id === 'number' ? request.id + 1 : nextId + 1;
      text = JSON.stringify(request);
    }
  } catch {
    // Not JSON: sent as the text it is.
  }
  socket.send(text);
  write('out', text);
  chooseMessage();
});

routeSelect.addEventListener('change', chooseRoute);
messageSelect.addEventListener('change', chooseMessage);
if (routeSelect.options.length > 0) chooseRoute();
setStatus('closed', 'not connected');
