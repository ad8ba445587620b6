/**
 * The inspection page's script (served at `<path>/admin.js`, bundled by esbuild; checked by its own
 * tsconfig with the DOM types). It asks for the token once and keeps it in session storage, polls
 * stats.json every 2 s (only while the tab is visible), draws the charts as inline SVG, and runs the
 * connection inspector and the actions. A 401 clears the token and asks again.
 */

interface RatePoint {
  at: number;
  received: number;
  delivered: number;
  errors: number;
  dropped: number;
}
interface NodeView {
  id: string;
  alive: boolean;
  lastReport: number;
  uptime: number;
  connections: number;
  cpu: number;
  rss: number;
  heapUsed: number;
  rooms: number;
}
interface Stats {
  node: string;
  operator: string;
  readonly: boolean;
  at: number;
  interval: number;
  nodes: NodeView[];
  connections: number;
  rooms: { name: string; members: number }[];
  totals: Omit<RatePoint, 'at'>;
  rates: RatePoint[];
  presence: { rooms: number; entries: number; local: number };
  actions: { at: number; operator: string; action: string }[];
}
interface Detail {
  id: string;
  node: string;
  route: string;
  remoteAddress: string;
  age: number;
  open: boolean;
  rooms: string[];
  roomCount: number;
  state: { keys: string[]; values?: Record<string, unknown> };
  messagesIn: number;
  messagesOut: number;
  bufferedAmount: number;
}

const REFRESH_MS = 2000;
/** The charts span the node's history up to the 15 minutes the server keeps, and at least a minute. */
const WINDOW_MS = 15 * 60_000;
const MIN_SPAN_MS = 60_000;
const base = document.body.dataset.base ?? '';
const readonly = document.body.dataset.readonly === 'true';
const tokenKey = `switchboard-admin-token:${base}`;

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => document.getElementById(id) as T;

function el(tag: string, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElement {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  node.append(...children);
  return node;
}

const fmt = new Intl.NumberFormat('en', { maximumFractionDigits: 1 });
const rate = (n: number): string => (n >= 100 ? fmt.format(Math.round(n)) : n >= 10 ? n.toFixed(1) : n.toFixed(2));
function bytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  for (; n >= 1024 && i < units.length - 1; i++) n /= 1024;
  return `${i === 0 ? n : n.toFixed(1)} ${units[i]}`;
}
function duration(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${seconds % 60}s`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}h ${Math.floor((seconds % 3600) / 60)}m`;
  return `${Math.floor(seconds / 86400)}d ${Math.floor((seconds % 86400) / 3600)}h`;
}
const ago = (at: number): string => `${Math.max(0, Math.round((Date.now() - at) / 1000))}s ago`;

// ── The token ────────────────────────────────────────────────────────────────────────────────────

let token = sessionStorage.getItem(tokenKey);

function askToken(message = ''): void {
  token = null;
  sessionStorage.removeItem(tokenKey);
  $('login-error').textContent = message;
  $('login').hidden = false;
  $<HTMLInputElement>('token').focus();
}

class Unauthorized extends Error {}

async function call<T>(path: string, body?: object): Promise<T> {
  if (token === null) throw new Unauthorized();
  const init: RequestInit = { headers: { authorization: `Bearer ${token}` } };
  if (body !== undefined) {
    init.method = 'POST';
    init.headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    init.body = JSON.stringify(body);
  }
  const response = await fetch(`${base}/${path}`, init);
  if (response.status === 401) throw new Unauthorized();
  const json = (await response.json()) as T & { error?: { message: string } };
  if (!response.ok) throw new Error(json.error?.message ?? `HTTP ${response.status}`);
  return json;
}

// ── Charts ───────────────────────────────────────────────────────────────────────────────────────

const SVG = 'http://www.w3.org/2000/svg';

function svg(tag: string, attrs: Record<string, string | number>): SVGElement {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

/** A "nice" axis maximum: 1, 2 or 5 times a power of ten, at least `max`. */
function niceMax(max: number): number {
  if (max <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  return ([1, 2, 5, 10].find((m) => m * p >= max) ?? 10) * p;
}

const agoLabel = (ms: number): string => (ms >= 60_000 ? `−${Math.round(ms / 60_000)}m` : `−${Math.round(ms / 1000)}s`);

/** Draws series of (at, value) over `span` ms up to now, one colour each, with a y-axis maximum. */
function chart(target: SVGSVGElement, now: number, span: number, series: { points: [number, number][]; colour: string }[]): void {
  const w = target.clientWidth || 400;
  const h = target.clientHeight || 150;
  const left = 40;
  const bottom = 18;
  const top = 6;
  target.setAttribute('viewBox', `0 0 ${w} ${h}`);
  target.replaceChildren();
  const max = niceMax(Math.max(0, ...series.flatMap((s) => s.points.map((p) => p[1]))));
  const x = (at: number): number => left + ((at - (now - span)) / span) * (w - left - 4);
  const y = (v: number): number => top + (1 - v / max) * (h - top - bottom);
  for (const f of [0, 0.5, 1]) {
    target.append(svg('line', { x1: left, x2: w - 4, y1: y(max * f), y2: y(max * f), stroke: '#26303b', 'stroke-width': 1 }));
    const label = svg('text', { x: left - 6, y: y(max * f) + 4, fill: '#8b98a5', 'font-size': 10, 'text-anchor': 'end' });
    label.textContent = rate(max * f);
    target.append(label);
  }
  for (const [part, anchor] of [
    [1, 'start'],
    [2 / 3, 'middle'],
    [1 / 3, 'middle'],
    [0, 'end'],
  ] as const) {
    const label = svg('text', { x: x(now - span * part), y: h - 4, fill: '#8b98a5', 'font-size': 10, 'text-anchor': anchor });
    label.textContent = part === 0 ? 'now' : agoLabel(span * part);
    target.append(label);
  }
  for (const { points, colour } of series) {
    if (points.length === 0) continue;
    const line = points.map(([at, v], i) => `${i === 0 ? 'M' : 'L'}${x(at).toFixed(1)},${y(v).toFixed(1)}`).join('');
    const first = points[0]!;
    const last = points[points.length - 1]!;
    target.append(svg('path', { d: `${line}L${x(last[0]).toFixed(1)},${y(0)}L${x(first[0]).toFixed(1)},${y(0)}Z`, fill: colour, 'fill-opacity': 0.12 }));
    target.append(svg('path', { d: line, fill: 'none', stroke: colour, 'stroke-width': 1.6, 'stroke-linejoin': 'round' }));
  }
}

// ── The page ─────────────────────────────────────────────────────────────────────────────────────

function renderStats(s: Stats): void {
  const alive = s.nodes.filter((n) => n.alive).length;
  $('where').textContent = `node ${s.node} · ${alive} of ${s.nodes.length} node${s.nodes.length === 1 ? '' : 's'} reporting`;
  $('operator').textContent = `signed in as ${s.operator}`;
  $('total-connections').textContent = fmt.format(s.connections);
  $('nodes-alive').textContent = `on ${alive} node${alive === 1 ? '' : 's'}`;
  const last = s.rates[s.rates.length - 1];
  for (const key of ['received', 'delivered', 'errors', 'dropped'] as const) {
    $(`rate-${key}`).textContent = last === undefined ? '—' : rate(last[key]);
    $(`total-${key}`).textContent = `${fmt.format(s.totals[key])} in all`;
  }
  $('presence-entries').textContent = fmt.format(s.presence.entries);
  $('presence-rooms').textContent = `entries in ${s.presence.rooms} room${s.presence.rooms === 1 ? '' : 's'}`;
  const points = (key: keyof Omit<RatePoint, 'at'>): [number, number][] => s.rates.map((p) => [p.at, p[key]]);
  const span = Math.min(WINDOW_MS, Math.max(MIN_SPAN_MS, s.at - (s.rates[0]?.at ?? s.at)));
  const label = span === WINDOW_MS ? 'last 15 min' : `last ${agoLabel(span).slice(1)}`;
  for (const id of ['span-received', 'span-delivered', 'span-errors']) $(id).textContent = label;
  chart($<SVGSVGElement & HTMLElement>('chart-received'), s.at, span, [{ points: points('received'), colour: '#4aa3ff' }]);
  chart($<SVGSVGElement & HTMLElement>('chart-delivered'), s.at, span, [{ points: points('delivered'), colour: '#3fb950' }]);
  chart($<SVGSVGElement & HTMLElement>('chart-errors'), s.at, span, [
    { points: points('errors'), colour: '#f85149' },
    { points: points('dropped'), colour: '#d29922' },
  ]);
  $('nodes-count').textContent = `${alive} alive${s.nodes.length > alive ? `, ${s.nodes.length - alive} gone` : ''}`;
  $('nodes').replaceChildren(
    ...s.nodes.map((n) =>
      el(
        'tr',
        { class: n.alive ? 'alive' : 'gone', 'data-node': n.id },
        el('td', { class: 'mono' }, el('span', { class: 'dot' }), n.id, n.id === s.node ? ' (this page)' : ''),
        el('td', { class: 'status' }, n.alive ? 'alive' : 'gone'),
        el('td', { class: 'num' }, duration(n.uptime)),
        el('td', { class: 'num' }, n.alive ? fmt.format(n.connections) : '—'),
        el('td', { class: 'num' }, `${n.cpu.toFixed(1)}%`),
        el('td', { class: 'num', title: `heap ${bytes(n.heapUsed)}` }, bytes(n.rss)),
        el('td', { class: 'num' }, fmt.format(n.rooms)),
        el('td', { class: 'num' }, ago(n.lastReport)),
      ),
    ),
  );
  const top = s.rooms[0]?.members ?? 1;
  $('rooms-count').textContent = `top ${s.rooms.length}`;
  $('rooms').replaceChildren(
    ...(s.rooms.length === 0
      ? [el('tr', {}, el('td', { class: 'empty', colspan: '2' }, 'No rooms yet'))]
      : s.rooms.map((r) =>
          el(
            'tr',
            {},
            el('td', { class: 'bar' }, el('i', { style: `width:${((r.members / top) * 100).toFixed(1)}%` }), el('span', {}, r.name)),
            el('td', { class: 'num' }, fmt.format(r.members)),
          ),
        )),
  );
  $('actions').replaceChildren(
    ...(s.actions.length === 0
      ? [el('li', { class: 'empty' }, 'None on this node yet')]
      : s.actions.map((a) => el('li', {}, el('time', {}, new Date(a.at).toLocaleTimeString()), `${a.operator} ${a.action}`))),
  );
  const fresh = $('freshness');
  fresh.textContent = `updated ${new Date(s.at).toLocaleTimeString()}`;
  fresh.className = 'pill live';
}

async function refresh(): Promise<void> {
  if (token === null || document.hidden) return;
  try {
    renderStats(await call<Stats>('stats.json'));
  } catch (error) {
    if (error instanceof Unauthorized) return askToken('That token was refused.');
    const fresh = $('freshness');
    fresh.textContent = `stale: ${(error as Error).message}`;
    fresh.className = 'pill stale';
  }
}

function renderDetail(d: Detail): void {
  const state =
    d.state.values === undefined
      ? el('dd', {}, d.state.keys.length === 0 ? '(empty)' : d.state.keys.join(', '), el('span', { class: 'note' }, '  (values hidden: readonly)'))
      : el('dd', {}, el('pre', {}, JSON.stringify(d.state.values, null, 2)));
  const rows: [string, Node | string][] = [
    ['Id', el('code', {}, d.id)],
    ['Route', el('code', {}, d.route)],
    ['Node', el('code', {}, d.node)],
    ['Remote address', d.remoteAddress],
    ['Age', `${duration(d.age)}${d.open ? '' : ' (closed)'}`],
    ['Rooms', d.roomCount === 0 ? '(none)' : `${d.rooms.join(', ')}${d.roomCount > d.rooms.length ? ` … and ${d.roomCount - d.rooms.length} more` : ''}`],
    ['Received', `${fmt.format(d.messagesIn)} frames`],
    ['Sent to it alone', `${fmt.format(d.messagesOut)} frames (room and route pushes are counted per node)`],
    ['Buffered', bytes(d.bufferedAmount)],
  ];
  const list = el('dl', {}, ...rows.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]), el('dt', {}, 'State'), state);
  const parts: Node[] = [list];
  if (!readonly) {
    const result = el('div', { class: 'note', id: 'action-result' });
    const code = el('input', { id: 'close-code', value: '4000', size: '5', 'aria-label': 'close code' }) as HTMLInputElement;
    const reason = el('input', { id: 'close-reason', value: 'Closed by an operator', size: '22', 'aria-label': 'close reason' }) as HTMLInputElement;
    const disconnect = el('button', { id: 'disconnect', class: 'danger', type: 'button' }, 'Disconnect');
    disconnect.onclick = () => void act(result, 'disconnect', { id: d.id, code: Number(code.value), reason: reason.value }, () => inspect(d.id));
    const event = el('input', { id: 'push-event', placeholder: 'event (optional)', size: '14' }) as HTMLInputElement;
    const data = el('input', { id: 'push-data', placeholder: 'data, e.g. {"text":"hi"}', size: '24' }) as HTMLInputElement;
    const push = el('button', { id: 'push', type: 'button' }, 'Push');
    push.onclick = () =>
      void act(result, 'push', { id: d.id, ...(event.value === '' ? {} : { event: event.value }), data: parsed(data.value) }, () => inspect(d.id));
    parts.push(el('div', { class: 'actions' }, el('div', { class: 'row' }, code, reason, disconnect), el('div', { class: 'row' }, event, data, push), result));
  }
  $('detail').replaceChildren(...parts);
}

/** Data typed in a field: JSON when it parses, else the text itself. */
function parsed(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

async function act(result: HTMLElement, path: string, body: object, then: () => Promise<void>): Promise<void> {
  try {
    const answer = await call<object>(path, body);
    await then();
    const out = document.getElementById(result.id) ?? result;
    out.className = 'note ok';
    out.textContent = `done: ${JSON.stringify(answer)}`;
    void refresh();
  } catch (error) {
    if (error instanceof Unauthorized) return askToken('That token was refused.');
    result.className = 'note error';
    result.textContent = (error as Error).message;
  }
}

async function inspect(id: string): Promise<void> {
  try {
    renderDetail(await call<Detail>(`connection.json?id=${encodeURIComponent(id)}`));
  } catch (error) {
    if (error instanceof Unauthorized) return askToken('That token was refused.');
    $('detail').replaceChildren(el('p', { class: 'error' }, (error as Error).message));
  }
}

$('login-form').addEventListener('submit', (event) => {
  event.preventDefault();
  token = $<HTMLInputElement>('token').value.trim();
  sessionStorage.setItem(tokenKey, token);
  $('login').hidden = true;
  void refresh();
});
$('sign-out').addEventListener('click', () => askToken());
$('inspect-form').addEventListener('submit', (event) => {
  event.preventDefault();
  void inspect($<HTMLInputElement>('conn-id').value.trim());
});
$('push-room-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const ev = $<HTMLInputElement>('push-room-event').value;
  void act(
    $('push-room-result'),
    'push',
    { room: $<HTMLInputElement>('push-room-name').value, ...(ev === '' ? {} : { event: ev }), data: parsed($<HTMLInputElement>('push-room-data').value) },
    async () => undefined,
  );
});
document.addEventListener('visibilitychange', () => void refresh());

if (token === null) askToken();
else void refresh();
setInterval(() => void refresh(), REFRESH_MS);
