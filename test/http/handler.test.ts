import { App, HttpError } from '../../lib';
import { closeAll, recordingLogger, start, within } from '../helpers';

afterEach(closeAll);

async function serve(): Promise<{ base: string; logger: ReturnType<typeof recordingLogger> }> {
  const logger = recordingLogger();
  const app = new App({ logger, maxBodyLength: 64 })
    .get('/', () => '<h1>Hi</h1>')
    .get('/json/{id}', (req) => ({ id: req.params.id, q: req.queryParams.get('q'), ua: req.headers['x-test'] }))
    .get('/bytes', () => Buffer.from([1, 2, 3]))
    .get('/empty', () => undefined)
    .get('/response', () => new Response('made', { status: 201, headers: { 'x-made': 'yes', 'content-type': 'text/plain' } }))
    .get('/teapot', () => {
      throw new HttpError(418, 'short and stout');
    })
    .get('/busy', () => {
      throw new HttpError(503, 'Try later', { retryAfter: 30 });
    })
    .get('/crash', async () => {
      throw new Error('secret');
    })
    .post('/echo', (req) => ({ body: req.body, isBuffer: Buffer.isBuffer(req.body) }))
    .put('/items/:id', (req) => ({ put: req.params.id }))
    .delete('/items/:id', (req) => ({ deleted: req.params.id }));
  const { port } = await start(app);
  return { base: `http://127.0.0.1:${port}`, logger };
}

describe('HTTP handlers', () => {
  test('return values map to status, content type and body', async () => {
    const { base } = await serve();
    let res = await fetch(`${base}/`);
    expect([res.status, res.headers.get('content-type'), await res.text()]).toEqual([200, 'text/html; charset=utf-8', '<h1>Hi</h1>']);
    res = await fetch(`${base}/json/a%20b?q=1`, { headers: { 'x-test': 't' } });
    expect([res.status, res.headers.get('content-type'), await res.json()]).toEqual([200, 'application/json', { id: 'a b', q: '1', ua: 't' }]);
    res = await fetch(`${base}/bytes`);
    expect([res.status, res.headers.get('content-type'), Buffer.from(await res.arrayBuffer())]).toEqual([
      200,
      'application/octet-stream',
      Buffer.from([1, 2, 3]),
    ]);
    res = await fetch(`${base}/empty`);
    expect([res.status, await res.text()]).toEqual([204, '']);
    res = await fetch(`${base}/response`);
    expect([res.status, res.headers.get('x-made'), res.headers.get('content-type'), await res.text()]).toEqual([201, 'yes', 'text/plain', 'made']);
  });

  test('errors: HttpError → its status with a JSON body; others → 500, logged; unknown path → 404', async () => {
    const { base, logger } = await serve();
    let res = await fetch(`${base}/teapot`);
    expect([res.status, await res.json()]).toEqual([418, { error: { status: 418, message: 'short and stout' } }]);
    expect(res.headers.get('retry-after')).toBeNull();
    res = await fetch(`${base}/busy`);
    expect([res.status, res.headers.get('retry-after'), await res.json()]).toEqual([503, '30', { error: { status: 503, message: 'Try later' } }]);
    res = await fetch(`${base}/crash`);
    expect([res.status, await res.json()]).toEqual([500, { error: { status: 500, message: 'Internal Server Error' } }]);
    expect(logger.errors.map((e) => [e.message, (e.error as Error).message])).toEqual([['switchboard: HTTP handler GET /crash threw', 'secret']]);
    res = await fetch(`${base}/nowhere`);
    expect([res.status, await res.json()]).toEqual([404, { error: { status: 404, message: 'Not Found' } }]);
    res = await fetch(`${base}/nowhere`, { method: 'POST', body: 'x' });
    expect(res.status).toBe(404);
  });

  test('bodies are parsed by content type and limited in size', async () => {
    const { base } = await serve();
    const post = (body: string, type: string) => fetch(`${base}/echo`, { method: 'POST', body, headers: { 'content-type': type } });
    let res = await post('{"a":1}', 'application/json');
    expect(await res.json()).toEqual({ body: { a: 1 }, isBuffer: false });
    res = await post('hello', 'text/plain; charset=utf-8');
    expect(await res.json()).toEqual({ body: 'hello', isBuffer: false });
    res = await post('raw', 'application/octet-stream');
    expect(await res.json()).toEqual({ body: { type: 'Buffer', data: [114, 97, 119] }, isBuffer: true });
    res = await post('{bad', 'application/json');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/^Invalid JSON body: /);
    res = await post('x'.repeat(65), 'text/plain');
    expect(res.status).toBe(413);
    res = await fetch(`${base}/items/7`, { method: 'PUT', body: '' });
    expect(await res.json()).toEqual({ put: '7' });
    res = await fetch(`${base}/items/8`, { method: 'DELETE' });
    expect(await res.json()).toEqual({ deleted: '8' });
  });
});

test('a client that disconnects before an async handler finishes leaves the server serving', async () => {
  let entered: () => void = () => undefined;
  let release: () => void = () => undefined;
  let finished: () => void = () => undefined;
  const inHandler = new Promise<void>((resolve) => (entered = resolve));
  const gate = new Promise<void>((resolve) => (release = resolve));
  const handlerDone = new Promise<void>((resolve) => (finished = resolve));
  const logger = recordingLogger();
  const app = new App({ logger })
    .get('/slow', async () => {
      entered();
      await gate;
      finished();
      return 'late';
    })
    .get('/fast', () => 'fast');
  const { port } = await start(app);
  const controller = new AbortController();
  const aborted = fetch(`http://127.0.0.1:${port}/slow`, { signal: controller.signal }).catch((error: Error) => error.name);
  await within(inHandler, 'the handler to start');
  controller.abort();
  expect(await aborted).toBe('AbortError');
  release();
  await within(handlerDone, 'the handler to finish');
  expect(await (await fetch(`http://127.0.0.1:${port}/fast`)).text()).toBe('fast');
  expect(logger.errors).toEqual([]);
});
