/**
 * What each program of the docs answers, as data: matrix.test.ts builds every program once per decorator
 * mode (tsc with experimentalDecorators and emitDecoratorMetadata; tsc with standard decorators), starts
 * each on a free port and checks it answers one message. A program marked `(experimental decorators)`
 * runs in the first mode only (the second refuses to compile it, which the matrix checks too).
 */

/** One WebSocket exchange: connect, send, read the reply (frames before it, a welcome, are passed over). */
export interface Exchange {
  /** Path and query of the upgrade. */
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly send: string;
  /** The reply frame, whole (anchored); an error frame never matches one. */
  readonly reply: RegExp;
}

export type DocRun =
  /** A server: one WebSocket exchange. `redis`: it needs a Redis server (REDIS_URL), run when redis-server is installed. */
  | { readonly ws: Exchange; readonly redis?: true }
  /** A server with no WebSocket route of its own to talk to: one HTTP request, its status. */
  | { readonly http: { readonly path: string; readonly status: number }; readonly redis?: true }
  /** A node:test file: `node --test` passes. */
  | { readonly nodeTest: true }
  /** Not run here, and why (the report of `npm run test:toolchains` lists these). */
  | { readonly notRun: string };

const say = (id: number, text: string): string => JSON.stringify({ event: 'say', data: { text }, id });
const AT = (id: number): RegExp => new RegExp(`^\\{"event":"say","id":${id},"data":\\{"at":\\d+\\}\\}$`);

const CLIENT = 'a client of ws://localhost:8000, the port of the server program it goes with';

export const DOC_RUNS: Readonly<Record<string, DocRun>> = {
  readme: { ws: { path: '/ws/7', send: 'hi', reply: /^You wrote: hi$/ } },
  'readme-server': { ws: { path: '/chat/lobby', send: say(1, 'hi'), reply: AT(1) } },
  'readme-client': { notRun: CLIENT },
  asyncapi: { ws: { path: '/chat/lobby?name=ann', send: say(1, 'hi'), reply: AT(1) } },
  'asyncapi-standard': { ws: { path: '/chat/lobby?name=ann', send: say(1, 'hi'), reply: AT(1) } },
  'chat.api': { notRun: 'a module: the chat programs import it, and run with it' },
  'chat-parts': { notRun: 'a module of declarations the chat programs share' },
  'chat-server': { ws: { path: '/chat/lobby', send: say(1, 'hi'), reply: AT(1) } },
  'chat-client': { notRun: CLIENT },
  'chat-client-errors': { notRun: CLIENT },
  events: { ws: { path: '/chat', send: 'hello', reply: /^not an event: hello$/ } },
  'channel-requests': { ws: { path: '/chat/lobby', send: say(1, 'hi'), reply: /^\{"event":"say","id":1,"data":.*\}$/ } },
  'getting-started': { ws: { path: '/ws/7', send: 'hi', reply: /^You wrote: hi$/ } },
  'getting-started-cjs': { notRun: 'the commonjs project: the rows above build and run it with each toolchain' },
  'getting-started-standard': { ws: { path: '/ws/7', send: 'hi', reply: /^You wrote: hi$/ } },
  http: { http: { path: '/', status: 200 } },
  // The matrix lays out the directories it serves beside the built program (STATIC_FILES).
  'http-static': { http: { path: '/assets/app.css', status: 200 } },
  'lifecycle-close': { ws: { path: '/ws', send: 'hi', reply: /^Message received$/ } },
  'limits-drain': { ws: { path: '/feed', send: '{"event":"start"}', reply: /^item 100000$/ } },
  metrics: { ws: { path: '/echo', send: 'hi', reply: /^hi$/ } },
  'poisoning-options': { http: { path: '/', status: 404 } },
  presence: { ws: { path: '/boards/b1?user=u1&name=Ann', send: '{"event":"enter"}', reply: /^\{"event":"presence_state",.*"u1".*\}$/ }, redis: true },
  'presence-client': { notRun: CLIENT },
  'custom-bus': { ws: { path: '/rooms/lobby', send: 'hi', reply: /^0 others got it$/ } },
  'user-rooms': { http: { path: '/online', status: 200 }, redis: true },
  routes: { ws: { path: '/rooms/lobby', send: 'hi', reply: /^lobby: hi$/ } },
  'data-as-sent': { ws: { path: '/echo', send: 'hi', reply: /^hi$/ } },
  providers: { ws: { path: '/orders', send: '{"item":"tea"}', reply: /^Hello, \S+: order \d+ at \d{4}-\d\d-\d\dT\S+Z$/ } },
  'providers-inject': { ws: { path: '/orders', send: '{"item":"tea"}', reply: /^Hello, \S+: order \d+$/ } },
  // It answers nothing to the sender (a broadcast to the others): listening proves it reached Redis.
  'redis-bus': { http: { path: '/', status: 404 }, redis: true },
  serve: { notRun: 'starts a cluster of workers on port 8000, with a Redis bus' },
  deploy: { notRun: 'starts a cluster of workers on port 8000, with a Redis bus' },
  // SWITCHBOARD_ADMIN_TOKEN and the other tokens are not set where the matrix runs programs; the page's own
  // tests (test/operate/admin.test.ts, test/browser/admin.test.ts) serve it.
  admin: { notRun: 'needs SWITCHBOARD_ADMIN_TOKEN; the inspection page has its own tests' },
  'admin-tokens': { notRun: "needs the operators' tokens in its environment; the inspection page has its own tests" },
  'transport-choice': { notRun: 'a module that only makes an App (it does not listen)' },
  recovery: { http: { path: '/recent', status: 200 } },
  'recovery-client': { notRun: CLIENT },
  'security-auth': { ws: { path: '/ws?token=let-me-in', send: 'hi', reply: /^alice: hi$/ } },
  'security-origins': { ws: { path: '/public', send: 'hi', reply: /^ticker: hi$/ } },
  'security-proxy': { ws: { path: '/ws', send: 'hi', reply: /^127\.0\.0\.1 wrote: hi$/ } },
  testing: { nodeTest: true },
  'testing-channel': { nodeTest: true },
};

/** Files the programs serve, laid out beside them (dist/) before they run. */
export const STATIC_FILES: Readonly<Record<string, string>> = {
  'dist/public/app.css': 'body { margin: 0 }\n',
  'dist/site/index.html': '<!DOCTYPE html>\n<title>Site</title>\n',
};
