/**
 * The toolchain matrix's workshop: packs the built package, installs it with each toolchain from the npm
 * registry into a directory outside the repository, lays out small apps there, and runs commands with a
 * bounded time. Everything it starts runs in its own process group, stopped by that group's id.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { allCodeBlocks, programs, projectFile, type CodeBlock } from '../doc-blocks';
import { INSTALLS, PROJECTS, type InstallName, type ProjectName } from './rows';

export const REPO = join(__dirname, '..', '..');

/** What a finished command printed, and how it ended. */
export interface Output {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** stdout and stderr, interleaved as they came. */
  readonly text: string;
}

/** The page every app serves from its `public/` directory, to prove `import.meta.dirname` / `__dirname`. */
export const PAGE = '<!DOCTYPE html>\n<title>Chat</title>\n<h1>Chat</h1>\n';

function newestMtime(dir: string, ext: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith(ext)) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/** `npm pack` of the repository; refuses a dist/ older than lib/, which would test yesterday's package. */
export function pack(into: string): string {
  const built = newestMtime(join(REPO, 'dist', 'lib'), '.js');
  if (built === 0 || built < newestMtime(join(REPO, 'lib'), '.ts'))
    throw new Error('dist/lib is missing or older than lib/: run `npm run build` first (`npm run test:toolchains` does).');
  const r = spawnSync('npm', ['pack', '--json', '--pack-destination', into], { cwd: REPO, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm pack failed:\n${r.stderr}`);
  const [{ filename }] = JSON.parse(r.stdout) as [{ filename: string }];
  return join(into, filename);
}

/** The packages a set of programs imports beyond switchboard and Node (and the peers they load), at the repository's versions. */
function importedPackages(blocks: readonly CodeBlock[]): Record<string, string> {
  const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
  const known = { ...manifest.dependencies, ...manifest.devDependencies };
  const found: Record<string, string> = {};
  for (const block of blocks) {
    for (const [, specifier] of block.code.matchAll(/^import .*? from '([^'.][^']*)';$/gm)) {
      // switchboard/redis loads its optional peer, redis, which an app installs beside it.
      if (specifier === 'switchboard/redis') found.redis = known.redis!;
      if (specifier!.startsWith('node:') || specifier === 'switchboard' || specifier!.startsWith('switchboard/')) continue;
      const name = specifier!.startsWith('@') ? specifier!.split('/').slice(0, 2).join('/') : specifier!.split('/')[0]!;
      const version = known[name];
      if (version === undefined) throw new Error(`${block.where} imports ${name}, which the repository's package.json does not list`);
      found[name] = version;
    }
  }
  return found;
}

export interface Workshop {
  readonly blocks: readonly CodeBlock[];
  /** The directory of one install (its node_modules holds switchboard and the toolchains). */
  dir(install: InstallName): string;
  /** A program of an install's node_modules/.bin. */
  bin(install: InstallName, name: string): string;
  /** Lays out a project (package.json, tsconfig.json from the docs) in a new directory of an install. */
  project(install: InstallName, name: string, project: ProjectName, sources: Record<string, string>): string;
  remove(): void;
}

function installedVersion(dir: string, name: string): string {
  return (JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
}

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

const json = (value: unknown): string => JSON.stringify(value, null, 2) + '\n';

/**
 * Packs the package and runs one `npm install` per install, all at once (they share the npm cache).
 * Each install gets the dependencies of the docs' package.json, the install's toolchains and the
 * packages the docs' programs import.
 */
export async function openWorkshop(): Promise<Workshop> {
  const root = mkdtempSync(join(tmpdir(), 'switchboard-toolchains-'));
  const tarball = pack(root);
  const blocks = allCodeBlocks();
  const manifest = projectFile('esm/package.json', blocks) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
  const dir = (install: InstallName): string => join(root, install.replace(/\W+/g, '-'));
  const programBlocks = [...programs(blocks).values()];
  const started = Date.now();
  await Promise.all(
    (Object.keys(INSTALLS) as InstallName[]).map(async (install) => {
      const dependencies = {
        ...manifest.dependencies,
        ...manifest.devDependencies,
        ...importedPackages(programBlocks),
        ...INSTALLS[install],
        switchboard: `file:${tarball}`,
      };
      write(join(dir(install), 'package.json'), json({ name: 'toolchain', private: true, dependencies }));
      const out = await run(['npm', 'install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], dir(install), 240_000);
      if (out.code !== 0) throw new Error(`npm install for ${install} failed:\n${out.text}`);
      const versions = Object.keys(INSTALLS[install]).map((name) => `${name} ${installedVersion(dir(install), name)}`);
      process.stderr.write(`toolchains: ${install} installed ${versions.join(', ')} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    }),
  );
  return {
    blocks,
    dir,
    bin: (install, name) => join(dir(install), 'node_modules', '.bin', name),
    project(install, name, project, sources) {
      const at = join(dir(install), name);
      write(join(at, 'package.json'), json(projectFile(PROJECTS[project].packageJson, blocks)));
      write(join(at, 'tsconfig.json'), json(projectFile(PROJECTS[project].tsconfig, blocks)));
      for (const [file, text] of Object.entries(sources)) write(join(at, file), text);
      return at;
    },
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** A started program: its output so far, and its end. */
export interface Running {
  text(): string;
  readonly exited: Promise<Output>;
  /** Sends a signal to the program's process group (the program and anything it spawned), until it has ended. */
  signal(name: NodeJS.Signals): void;
  /**
   * Sends a signal to the processes the program started (Linux: /proc lists them), for a launcher such as
   * tsx's CLI that runs the app as its child; to the group where they cannot be listed.
   */
  signalChildren(name: NodeJS.Signals): void;
}

/** The ids of a process's children, from /proc (Linux); empty where it cannot tell. */
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** Starts `argv` in `cwd`, in a process group of its own, with PORT=0 and `env`. */
export function launch(argv: readonly string[], cwd: string, env: Readonly<Record<string, string>> = {}): Running {
  const child = spawn(argv[0]!, argv.slice(1), { cwd, env: { ...process.env, ...env, PORT: '0' }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  let ended = false;
  child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  const exited = new Promise<Output>((resolve) => {
    child.on('error', (error) => resolve({ code: null, signal: null, text: `${text}${String(error)}\n` }));
    child.on('close', (code, signal) => {
      ended = true;
      resolve({ code, signal, text });
    });
  });
  const pid = child.pid ?? 0;
  return {
    text: () => text,
    exited,
    signal(name) {
      if (ended || pid === 0) return;
      try {
        process.kill(-pid, name);
      } catch {
        // The group ended between the check and the signal.
      }
    },
    signalChildren(name) {
      const children = ended || pid === 0 ? [] : childrenOf(pid);
      if (children.length === 0) return this.signal(name);
      for (const id of children) {
        try {
          process.kill(id, name);
        } catch {
          // That child ended between the listing and the signal.
        }
      }
    },
  };
}

/** Runs `argv` to its end; past `ms` its process group is killed and the output says so. */
export async function run(argv: readonly string[], cwd: string, ms: number): Promise<Output> {
  const running = launch(argv, cwd);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<Output>((resolve) => {
    timer = setTimeout(() => {
      running.signal('SIGKILL');
      resolve({ code: null, signal: 'SIGKILL', text: `${running.text()}\n[killed after ${ms} ms: ${argv.join(' ')}]\n` });
    }, ms);
  });
  return Promise.race([running.exited, late]).finally(() => clearTimeout(timer));
}

/** True when one line of `text` contains `error` (compiler lines start with a file and position). */
export function hasErrorLine(text: string, error: string): boolean {
  return text.split('\n').some((line) => line.includes(error));
}
