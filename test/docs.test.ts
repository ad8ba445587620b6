/**
 * The docs' code blocks are marked (test/doc-blocks.ts): every TypeScript block is a complete program or a
 * true excerpt of one, and the toolchain table of docs/getting-started.md is the matrix CI runs. Type
 * checking the programs against the packed package is the toolchain matrix's part (`npm run test:toolchains`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { allCodeBlocks, isTypeScript, linesNotInProgram, programs } from './doc-blocks';
import { CANNOT_WORK, EXPECTED_TO_FAIL_UNTIL_STANDARD_DECORATORS, matrixTable, PROJECTS, ROWS } from './toolchains/rows';

const blocks = allCodeBlocks();
const named = programs(blocks);
const gettingStarted = readFileSync(join(__dirname, '..', 'docs', 'getting-started.md'), 'utf8');

describe('code blocks in README.md and docs/*.md', () => {
  test('every TypeScript block is marked as a program or as a fragment of one', () => {
    const unmarked = blocks.filter((b) => isTypeScript(b) && (b.marker === null || b.marker.kind === 'file'));
    expect(unmarked.map((b) => `${b.where}${b.badMarker === null ? '' : ` (unreadable marker ${b.badMarker})`}`)).toEqual([]);
  });

  test('markers sit on code of the right kind: programs on TypeScript, files on JSON', () => {
    const wrong = blocks.filter((b) => (b.marker?.kind === 'file' && b.lang !== 'json') || (b.marker !== null && b.marker.kind !== 'file' && !isTypeScript(b)));
    expect(wrong.map((b) => b.where)).toEqual([]);
  });

  test("every fragment's lines appear, in order, in the program it names", () => {
    const wrong = blocks.flatMap((b) => {
      if (b.marker?.kind !== 'fragment') return [];
      const program = named.get(b.marker.of);
      if (program === undefined) return [`${b.where}: no program named "${b.marker.of}"`];
      return linesNotInProgram(b.code, program.code).map((line) => `${b.where}: "${line}" is not in ${program.where}`);
    });
    expect(wrong).toEqual([]);
  });

  test('programs import what they use from switchboard as an app would, never from the repository', () => {
    // A relative import may only name another program of the same kind, as './NAME.js' (a channel module).
    const wrong = [...named.values()].flatMap((p) =>
      [...p.code.matchAll(/from '(\.{1,2}\/[^']*)'/g)]
        .map(([, specifier]) => specifier!)
        .filter((specifier) => named.get(/^\.\/(.+)\.js$/.exec(specifier)?.[1] ?? '')?.marker.module !== p.marker.module)
        .map((specifier) => `${p.where}: ${specifier}`),
    );
    expect(wrong).toEqual([]);
  });
});

describe('linesNotInProgram', () => {
  const program = "import { App } from 'switchboard';\n\nconst app = new App();\napp.get('/', () => 'hi'); // a page\nawait app.listen(8000);\n";

  test('an excerpt, with blank lines, `…` and other trailing comments, is found', () => {
    expect(linesNotInProgram('const app = new App();\n\n…\nawait app.listen(8000); // starts\n', program)).toEqual([]);
  });

  test('a line that is not there, or out of order, is reported', () => {
    expect(linesNotInProgram("app.get('/', () => 'bye');\n", program)).toEqual(["app.get('/', () => 'bye');"]);
    expect(linesNotInProgram('await app.listen(8000);\nconst app = new App();\n', program)).toEqual(['const app = new App();']);
  });
});

describe('docs/getting-started.md and the toolchain matrix', () => {
  test('the project files and programs the matrix builds are in the page', () => {
    for (const project of Object.values(PROJECTS)) {
      expect(named.get(project.program)?.where).toMatch(/^docs\/getting-started\.md:/);
      for (const file of [project.packageJson, project.tsconfig])
        expect(blocks.find((b) => b.marker?.kind === 'file' && b.marker.path === file)?.where).toMatch(/^docs\/getting-started\.md:/);
    }
  });

  test('the table is the matrix (regenerate it from test/toolchains/rows.ts with matrixTable())', () => {
    expect(gettingStarted).toContain(`<!-- toolchain matrix: test/toolchains/rows.ts -->\n\n${matrixTable()}`);
  });

  test('every expected failure names a row, and its error is quoted in the troubleshooting list', () => {
    const failures = { ...EXPECTED_TO_FAIL_UNTIL_STANDARD_DECORATORS, ...CANNOT_WORK };
    expect(Object.keys(failures).filter((name) => !ROWS.some((row) => row.name === name))).toEqual([]);
    const troubleshooting = gettingStarted.slice(gettingStarted.indexOf('## Troubleshooting'));
    expect(Object.values(failures).filter((f) => !troubleshooting.includes(f.error))).toEqual([]);
  });
});
