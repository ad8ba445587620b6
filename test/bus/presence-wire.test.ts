import { decodeChange, encodeChange, storedEntry, storedValue } from '../../lib/bus/presence-wire';

// Metas are JSON.stringify's text, which parsing and writing again gives back unchanged.
const meta = JSON.stringify({ id: '0123456789ab-1f', name: 'Ann', n: 1e21, s: '\u2028✓\ud800' });
// A connection minted by node 0123456789ab that resumed on node fedcba987654: its owner is the second.
const entry = { id: '0123456789ab-1f', key: 'alice "A"', meta, owner: 'fedcba987654' };

test('a change and a stored value come back as they were sent: same ids, keys, meta text and owner', () => {
  const text = encodeChange('fedcba987654', false, [entry], ['0123456789ab-2']);
  expect(decodeChange(text)).toEqual({ owner: 'fedcba987654', whole: false, set: [entry], removed: ['0123456789ab-2'] });
  expect(decodeChange(encodeChange('fedcba987654', true, [], []))).toEqual({ owner: 'fedcba987654', whole: true, set: [], removed: [] });
  expect(storedEntry(entry.id, storedValue(entry))).toEqual(entry);
});

test("a stored value ends with its owner, which is how the Lua scripts tell a node's entries", () => {
  expect(storedValue(entry).endsWith(',"fedcba987654"]')).toBe(true);
});

test('anything malformed is refused whole (null), never half applied', () => {
  for (const text of [
    '',
    'nope',
    '[]',
    '{"o":1,"w":false,"s":[],"r":[]}',
    '{"o":null,"w":false,"s":[],"r":[]}',
    '{"o":"a","s":[],"r":[]}',
    '{"o":"a","w":1,"s":[],"r":[]}',
    '{"o":"a","w":false,"s":{},"r":[]}',
    '{"o":"a","w":false,"s":[],"r":[1]}',
    '{"o":"a","w":false,"s":[["a-1","k"]],"r":[]}',
  ])
    expect(decodeChange(text)).toBeNull();
  // The meta must be an object carrying the entry's own id.
  expect(decodeChange('{"o":"a","w":false,"s":[["a-1","k",{"id":"a-2"}]],"r":[]}')).toBeNull();
  expect(decodeChange('{"o":"a","w":false,"s":[["a-1","k",[1]]],"r":[]}')).toBeNull();
  expect(storedEntry('a-1', '["k",{"id":"a-1"},3]')).toBeNull();
  expect(storedEntry('a-1', '["k",{"id":"a-1"}]')).toBeNull();
  expect(storedEntry('a-1', '{')).toBeNull();
});
