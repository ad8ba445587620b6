/**
 * One source, every toolchain, the same frames. toolchains.fixture.ts says what each message is (`as`,
 * schemas, a channel's requests) and injects its constructor with the route option `inject`; built by tsc
 * with decorator metadata (as ts-jest compiles it), file by file without metadata (as tsx and esbuild do),
 * with standard decorators (by tsc and by esbuild), it must answer the same inputs with the same frames.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { transformSync, stop as stopEsbuild } from 'esbuild';
import * as ts from 'typescript';
import * as withMetadata from './toolchains.fixture';
import { closeAll, connect, recordingLogger, start, type Frame } from '../helpers';

type Fixture = typeof withMetadata;

afterEach(closeAll);
// esbuild's sync calls keep a worker and its service process until stopped: end them with the file, not the run.
afterAll(stopEsbuild);

const source = readFileSync(join(__dirname, 'toolchains.fixture.ts'), 'utf8');

/** Runs compiled CommonJS code in this test's context: its module registry (one switchboard) and its globals. */
function load(code: string): Fixture {
  const module = { exports: {} as Fixture };
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- a module of code compiled here, run as Node runs a CommonJS file
  const run = new Function('require', 'module', 'exports', code) as (r: NodeJS.Require, m: typeof module, e: Fixture) => void;
  run(require, module, module.exports);
  return module.exports;
}

function tsc(experimentalDecorators: boolean): string {
  const compilerOptions = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, experimentalDecorators, emitDecoratorMetadata: false };
  return ts.transpileModule(source, { compilerOptions, fileName: 'toolchains.fixture.ts' }).outputText;
}

function esbuild(experimentalDecorators: boolean): string {
  return transformSync(source, { loader: 'ts', format: 'cjs', target: 'node20', tsconfigRaw: { compilerOptions: { experimentalDecorators } } }).code;
}

const builds: readonly (readonly [string, () => Fixture, 'metadata' | 'none' | 'standard'])[] = [
  ['tsc, experimentalDecorators with emitDecoratorMetadata', () => withMetadata, 'metadata'],
  ['tsc file by file, experimentalDecorators without metadata', () => load(tsc(true)), 'none'],
  ['tsc, standard decorators', () => load(tsc(false)), 'standard'],
  ['esbuild (as tsx runs it), experimentalDecorators', () => load(esbuild(true)), 'none'],
  ['esbuild, standard decorators', () => load(esbuild(false)), 'standard'],
];

const show = (frame: Frame): string => (typeof frame === 'string' ? frame : `binary ${frame.toString('hex')}`);

/** The same inputs to every route; every frame the app sends back, in order. */
async function frames(fixture: Fixture): Promise<string[]> {
  const logger = recordingLogger();
  const { url } = await start(fixture.createApp(logger));
  const out: string[] = [];
  const answer = async (c: { next(): Promise<Frame> }, times = 1): Promise<void> => {
    for (let i = 0; i < times; i++) out.push(show(await c.next()));
  };

  const ann = await connect(url('/kinds/7?who=ann'));
  await answer(ann);
  ann.send('hi');
  ann.send(Buffer.from([1, 2, 255]));
  await answer(ann, 2);
  const bob = await connect(url('/kinds/8'));
  await answer(bob);
  await ann.close(4001, 'bye');
  await answer(bob);

  const text = await connect(url('/text'));
  text.send('héllo');
  text.send(Buffer.from('bïn'));
  await answer(text, 2);

  const json = await connect(url('/json'));
  json.send('{"n":21}');
  json.send('{"n":');
  await answer(json, 2);

  const bytes = await connect(url('/bytes'));
  bytes.send(Buffer.from([1, 2, 3]));
  bytes.send('ab');
  await answer(bytes, 2);

  const chat = await connect(url('/chat/lobby'));
  for (const frame of [
    { event: 'say', id: 1, data: { text: 'hi' } },
    { event: 'say', id: 2, data: { text: '' } },
    { event: 'join', id: 3, data: { name: 'ann' } },
    { event: 'shout', data: 'hey' },
    { event: 'shout', id: 4, data: 42 },
  ])
    chat.send(JSON.stringify(frame));
  await answer(chat, 6);

  expect({ warnings: logger.warnings, errors: logger.errors }).toEqual({ warnings: [], errors: [] });
  return out;
}

const EXPECTED = [
  'Hello ann on 7.',
  'text hi',
  'bytes 0102ff',
  'Hello anon on 8.',
  '7 left with 4001 bye',
  '5:héllo',
  '3:bïn',
  '{"double":42}',
  '{"error":{"code":"invalid_json","message":"The message is not valid JSON: Unexpected end of JSON input"}}',
  'binary 030201',
  'binary 6261',
  '{"event":"say","id":1,"data":{"room":"lobby","text":"HI"}}',
  '{"event":"say","id":2,"error":{"code":"validation_failed","message":"Too small: expected string to have >=1 characters","issues":[{"message":"Too small: expected string to have >=1 characters","path":["text"]}]}}',
  '{"event":"joined","data":{"name":"ann"}}',
  '{"event":"join","id":3,"data":null}',
  '{"event":"shout","data":"hey!"}',
  '{"event":"shout","id":4,"error":{"code":"invalid_data","message":"Expected \\"data\\" to be a string"}}',
];

describe('the same routes, built by each toolchain, answer with the same frames', () => {
  test.each(builds)('%s', async (_name, build, mode) => {
    const fixture = build();
    // The build is what it says: design types only with metadata, Symbol.metadata only with standard decorators.
    const metadata = (Symbol as { metadata?: symbol }).metadata!;
    expect({
      designTypes: Reflect.getMetadata('design:paramtypes', fixture.Text.prototype, 'message') !== undefined,
      standard: Object.hasOwn(fixture.Text, metadata),
    }).toEqual({ designTypes: mode === 'metadata', standard: mode === 'standard' });
    expect(await frames(fixture)).toEqual(EXPECTED);
  });
});
