/**
 * app.close() with SOAK_CLIENTS (default 1,000) busy clients: every one gets 1001, every @OnClose runs once,
 * nothing runs after close resolves. The scenario is the one test/reliability/load.test.ts runs small.
 */
import { closeAll } from '../../helpers';
import { closeUnderLoad, count } from '../scenarios';

afterEach(closeAll);

const CLIENTS = count('SOAK_CLIENTS', 1000);

test(`app.close() under load with ${CLIENTS} clients`, async () => {
  await closeUnderLoad(CLIENTS);
});
