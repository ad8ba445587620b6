/**
 * Node.js 22 and later have a built-in WebSocket: switchboard/client and switchboard/testing run there
 * without the `ws` package. uWS does not load on Node.js 24 on every machine, so the app runs here (this
 * Node.js) and the clients in a Node.js 24 child, bundled from lib/ by esbuild with nothing else beside
 * them (no `ws` to find). Skipped with one line when no Node.js 24 binary is given (test/external.ts).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync, stop as stopEsbuild } from 'esbuild';
import { z } from 'zod';
import { App, Connector, HttpError, OnMessage, OnUpgrade, WebSocketRoute, type UpgradeRequest } from '../../lib';
import { defineChannel } from '../../lib/client';
import { describeNeeding, NODE24 } from '../external';
import { closeAll, start } from '../helpers';

const chat = defineChannel('/chat/{room}', {
  requests: { say: { data: z.object({ text: z.string() }), reply: z.object({ room: z.string(), user: z.string() }) } },
  events: { said: z.object({ text: z.string() }) },
});

@WebSocketRoute(chat)
class Chat {
  @OnUpgrade()
  guard(req: UpgradeRequest) {
    if (req.queryParams.get('token') !== 'ok') throw new HttpError(401, 'Bad token');
    return { user: req.headers['x-user'] ?? 'nobody' };
  }

  @OnMessage(chat.requests.say)
  say(ws: Connector<{ user: string }, typeof chat>, msg: { text: string }) {
    ws.emit('said', { text: msg.text });
    return { room: ws.params.room, user: ws.state.user };
  }
}

/** Run by Node.js 24: the client without a WebSocket option, and the kit on an app listening elsewhere. */
const SCRIPT = `
import { connect, defineChannel } from './client.mjs';
import { testApp } from './testing.mjs';
const port = Number(process.argv[2]);
const chat = defineChannel('/chat/{room}', { requests: { say: { data: { '~standard': { version: 1, vendor: 'x', validate: (v) => ({ value: v }) } } } } });
const out = { hasWs: await import('ws').then(() => true, () => false) };
const client = connect(chat, 'ws://127.0.0.1:' + port, { params: { room: 'lobby' }, query: { token: 'ok' }, reconnect: false });
out.client = await client.request('say', { text: 'hi' });
client.close();
const t = await testApp({ listen: async () => ({ port }), close: async () => {} });
const c = await t.connect(chat, { params: { room: 'hall' }, query: { token: 'ok' }, headers: { 'x-user': 'ann' } });
out.kit = await c.request('say', { text: 'hey' });
out.push = await c.nextEvent('said');
out.refused = await t.connect('/chat/hall').then(() => 'opened', (error) => error.message);
await c.close();
console.log(JSON.stringify(out));
`;

function run(argv: string[], cwd: string): Promise<{ code: number | null; text: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, text });
    });
  });
}

afterEach(closeAll);
// esbuild's sync calls keep a worker and its service process until stopped: end them with the file, not the run.
afterAll(stopEsbuild);

describeNeeding('node24', 'on Node.js 24, without ws', () => {
  test("the client and the testing kit use the built-in WebSocket; the kit sends headers; a refusal says what the built-in one can't tell", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-node24-'));
    try {
      for (const [entry, name] of [
        ['lib/client/index.ts', 'client.mjs'],
        ['lib/testing.ts', 'testing.mjs'],
      ] as const)
        buildSync({
          entryPoints: [join(__dirname, '..', '..', entry)],
          bundle: true,
          platform: 'node',
          format: 'esm',
          outfile: join(dir, name),
          external: ['ws'],
          logLevel: 'error',
        });
      writeFileSync(join(dir, 'main.mjs'), SCRIPT);
      const { port } = await start(new App({ routes: [Chat] }));
      const out = await run([NODE24, 'main.mjs', String(port)], dir);
      expect(out).toEqual({ code: 0, text: expect.any(String) as string });
      expect(JSON.parse(out.text)).toEqual({
        hasWs: false,
        client: { room: 'lobby', user: 'nobody' },
        kit: { room: 'hall', user: 'ann' },
        push: { text: 'hey' },
        refused: `The upgrade of ws://127.0.0.1:${port}/chat/hall failed. Node's built-in WebSocket does not tell why (an HTTP status, a refused connection); install ws (npm i -D ws), which the kit then uses, to see the status and body.`,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
