/**
 * The tsconfig beside this file compiles standard decorators: `npm run test:types` checks
 * ../decorators.tst.ts with it, and this proves that it is the mode it claims.
 */
import { expect, test } from 'tstyche';
import { OnConnect } from 'switchboard';

test('standard decorators: a class expression may be decorated (experimentalDecorators refuse it, TS1206)', () => {
  expect(
    class {
      @OnConnect()
      connect() {}
    },
  ).type.not.toRaiseError();
});
