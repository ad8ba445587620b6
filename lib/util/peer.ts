/**
 * Optional peer dependencies (`redis` for RedisBus, `ws` for switchboard/testing) are loaded on first use,
 * so that switchboard itself never needs them. Each caller keeps its literal `import('…')`, which bundlers
 * can see; this turns a failed load into the SwitchboardError that says who needs the package and how to
 * install it.
 */
import { SwitchboardError, type ErrorCode } from './errors';

/**
 * The module `load()` imports, or a SwitchboardError `code`: "<needs>, which could not be loaded (<first
 * line of the cause>). Install it: <install>".
 */
export async function loadPeer<M>(load: () => Promise<unknown>, code: ErrorCode, needs: string, install: string): Promise<M> {
  try {
    return (await load()) as M;
  } catch (error) {
    throw new SwitchboardError(code, `${needs}, which could not be loaded (${(error as Error).message.split('\n')[0]}). Install it: ${install}`, {
      cause: error,
    });
  }
}
