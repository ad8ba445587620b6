/**
 * The code blocks of README.md and docs/*.md, with the marker each carries. A marker is an HTML comment on
 * the line before the fence, so GitHub shows nothing of it:
 *
 *   <!-- program: NAME -->              a complete ES-module program, type-checked as it stands; it may
 *                                       import another program of the same kind as './NAME.js' (the
 *                                       toolchain matrix writes each program to src/NAME.ts of one project)
 *   <!-- program: NAME (commonjs) -->   a complete program for a `"type": "commonjs"` package
 *   <!-- program: NAME (experimental decorators) -->   a program that needs experimentalDecorators (parameter
 *                                       decorators, or design types saying what a handler receives): under
 *                                       standard decorators it must fail to compile, and the matrix checks it does
 *   <!-- fragment of: NAME -->          an excerpt of the program NAME: its lines appear there, in order
 *   <!-- file: VARIANT/FILE -->         a project file (package.json, tsconfig.json) the toolchain matrix uses
 *
 * Every TypeScript block carries a program or fragment marker; test/docs.test.ts checks that, and the
 * toolchain matrix (test/toolchains) type-checks every program against the packed package.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');

export type Marker =
  | { readonly kind: 'program'; readonly name: string; readonly module: 'esm' | 'commonjs'; readonly decorators: 'both' | 'experimental' }
  | { readonly kind: 'fragment'; readonly of: string }
  | { readonly kind: 'file'; readonly path: string };

export interface CodeBlock {
  /** Where the block starts, as `docs/x.md:12` (the line of the opening fence). */
  readonly where: string;
  /** The fence's language tag: `ts`, `json`, `sh`… */
  readonly lang: string;
  readonly code: string;
  /** The marker on the line before the fence; null when there is none. */
  readonly marker: Marker | null;
  /** The text of a comment on the line before the fence that is not a valid marker, for the error. */
  readonly badMarker: string | null;
}

const MARKER = /^<!--\s*(program|fragment of|file):\s*(.*?)\s*-->$/;
const PROGRAM = /^([a-z0-9][a-z0-9.-]*)(?:\s+\((commonjs)\))?(?:\s+\((experimental decorators)\))?$/;

function parseMarker(line: string): Marker | null {
  const m = MARKER.exec(line.trim());
  if (m === null) return null;
  const [, kind, value] = m as unknown as [string, string, string];
  if (kind === 'fragment of') return value === '' ? null : { kind: 'fragment', of: value };
  if (kind === 'file') return /^[a-z]+\/[\w.-]+$/.test(value) ? { kind: 'file', path: value } : null;
  const p = PROGRAM.exec(value);
  if (p === null) return null;
  return { kind: 'program', name: p[1]!, module: p[2] === 'commonjs' ? 'commonjs' : 'esm', decorators: p[3] === undefined ? 'both' : 'experimental' };
}

/** README.md and every docs/*.md, relative to the repository root. */
export function docFiles(): string[] {
  const docs = readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort();
  return ['README.md', ...docs.map((f) => `docs/${f}`)];
}

/** The fenced code blocks of one markdown file (relative to the repository root). */
export function codeBlocks(file: string): CodeBlock[] {
  const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*$/.exec(lines[i]!);
    if (open === null) continue;
    const start = i;
    while (++i < lines.length && lines[i] !== '```');
    if (i === lines.length) throw new Error(`${file}:${start + 1}: a code block is never closed`);
    const before = start > 0 ? lines[start - 1]!.trim() : '';
    const marker = parseMarker(before);
    blocks.push({
      where: `${file}:${start + 1}`,
      lang: open[1]!,
      code: lines.slice(start + 1, i).join('\n') + '\n',
      marker,
      badMarker: marker === null && before.startsWith('<!--') ? before : null,
    });
  }
  return blocks;
}

/** Every code block of README.md and docs/*.md. */
export function allCodeBlocks(): CodeBlock[] {
  return docFiles().flatMap(codeBlocks);
}

export const isTypeScript = (block: CodeBlock): boolean => block.lang === 'ts' || block.lang === 'typescript';

/** The complete programs, by name. */
export function programs(blocks: readonly CodeBlock[] = allCodeBlocks()): Map<string, CodeBlock & { marker: Marker & { kind: 'program' } }> {
  const found = new Map<string, CodeBlock & { marker: Marker & { kind: 'program' } }>();
  for (const block of blocks) {
    if (block.marker?.kind !== 'program') continue;
    const marker = block.marker;
    const seen = found.get(marker.name);
    if (seen !== undefined) throw new Error(`${block.where}: the program name "${marker.name}" is also used at ${seen.where}`);
    found.set(marker.name, { ...block, marker });
  }
  return found;
}

/** The project file marked `<!-- file: path -->`, parsed as JSON. */
export function projectFile(path: string, blocks: readonly CodeBlock[] = allCodeBlocks()): Record<string, unknown> {
  const block = blocks.find((b) => b.marker?.kind === 'file' && b.marker.path === path);
  if (block === undefined) throw new Error(`No code block in the docs is marked <!-- file: ${path} -->`);
  return JSON.parse(block.code) as Record<string, unknown>;
}

/** A line as compared between a fragment and its program: trimmed, without a trailing `//` comment. */
function comparable(line: string): string {
  return line.replace(/\s+\/\/ .*$/, '').trim();
}

/**
 * The lines of `fragment` that are not found, in order, in `program` (blank lines and `…` placeholders
 * aside); empty when the fragment is a true excerpt.
 */
export function linesNotInProgram(fragment: string, program: string): string[] {
  const source = program.split('\n').map(comparable);
  const missing: string[] = [];
  let at = 0;
  for (const line of fragment.split('\n').map(comparable)) {
    if (line === '' || line.includes('…')) continue;
    const found = source.indexOf(line, at);
    if (found === -1) missing.push(line);
    else at = found + 1;
  }
  return missing;
}
