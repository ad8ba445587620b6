import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCodes, HttpError, SwitchboardError, WsError } from '../../lib';

test('docs/errors.md and lib/util/errors.ts list the same codes', () => {
  const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'errors.md'), 'utf8');
  const documented = [...doc.matchAll(/^\| `(SWB_ERR_[A-Z_]+)` \|/gm)].map((m) => m[1]).sort();
  expect(documented).toEqual(Object.keys(ErrorCodes).sort());
});

test('error classes validate their own arguments', () => {
  expect(() => new WsError('', 'x')).toThrow(SwitchboardError);
  expect(() => new HttpError(200)).toThrow('new HttpError(status, message): status must be an integer from 400 to 599, got 200. [SWB_ERR_INVALID_ARGUMENT]');
  expect(new HttpError(404, 'gone')).toMatchObject({ status: 404, message: 'gone', name: 'HttpError' });
  expect(new WsError('nope', 'No')).toMatchObject({ code: 'nope', message: 'No', name: 'WsError' });
});
