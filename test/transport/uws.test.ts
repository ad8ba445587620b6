/**
 * The registry build of uWebSockets.js falls back to a slow pure-JS port when its binary does not load;
 * UWS_USE_FALLBACK=1 forces that fallback, so the detection is tested against the real thing.
 */
import type * as Lib from '../../lib';

function loadWithFallback(): typeof Lib {
  const saved = process.env.UWS_USE_FALLBACK;
  const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  process.env.UWS_USE_FALLBACK = '1';
  try {
    let lib: typeof Lib | undefined;
    jest.isolateModules(() => {
      lib = jest.requireActual<typeof Lib>('../../lib');
    });
    return lib!;
  } finally {
    if (saved === undefined) delete process.env.UWS_USE_FALLBACK;
    else process.env.UWS_USE_FALLBACK = saved;
    log.mockRestore();
  }
}

test('the native build is what normally loads', async () => {
  const { isNativeUws } = await import('../../lib/transport/uws');
  expect(isNativeUws()).toBe(true);
});

test('with the JS fallback loaded, new App() refuses with instructions', () => {
  const lib = loadWithFallback();
  expect(() => new lib.App()).toThrow(lib.SwitchboardError);
  expect(() => new lib.App()).toThrow(/fell back to a slow pure-JS implementation\. Install a native build \(npm i uNetworking\/uWebSockets\.js#v20\.x/);
  expect(() => new lib.App()).toThrow(/\[SWB_ERR_UWS_FALLBACK\]$/);
});

test('allowJsFallback (or SWITCHBOARD_ALLOW_UWS_FALLBACK=1) opts in', () => {
  const lib = loadWithFallback();
  expect(() => new lib.App({ allowJsFallback: true })).not.toThrow();
  process.env.SWITCHBOARD_ALLOW_UWS_FALLBACK = '1';
  try {
    expect(() => new lib.App()).not.toThrow();
  } finally {
    delete process.env.SWITCHBOARD_ALLOW_UWS_FALLBACK;
  }
});
