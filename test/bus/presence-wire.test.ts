import { decodeChange, encodeChange, ownerOf, storedEntry, storedValue } from '../../lib/bus/presence-wire';

// Metas are JSON.stringify's text, which parsing and writing again gives back unchanged.
const entry = { id: '0123456789ab-1f', key: 'alice "A"', meta: JSON.stringify({ id: '0123456789ab-1f', name: 'Ann', n: 1e21, s: '\u2028✓\ud800' }) };

test('a change and a stored value come back as they were sent: same ids, keys and meta text', () => {
  const text = encodeChange('0123456789ab', [entry], ['0123456789ab-2']);
  expect(decodeChange(text)).toEqual({ owner: '0123456789ab', set: [entry], removed: ['0123456789ab-2'] });
  expect(decodeChange(encodeChange(null, [], []))).toEqual({ owner: null, set: [], removed: [] });
  expect(storedEntry(entry.id, storedValue(entry))).toEqual(entry);
  expect(ownerOf(entry.id)).toBe('0123456789ab');
});

test('anything malformed is refused whole (null), never half applied', () => {
  for (const text of [
    '',
    'nope',
    '[]',
    '{"o":1,"s":[],"r":[]}',
    '{"o":null,"s":{},"r":[]}',
    '{"o":null,"s":[],"r":[1]}',
    '{"o":null,"s":[["a-1","k"]],"r":[]}',
  ])
    expect(decodeChange(text)).toBeNull();
  // The meta must be an object carrying the entry's own id.
  expect(decodeChange('{"o":null,"s":[["a-1","k",{"id":"a-2"}]],"r":[]}')).toBeNull();
  expect(decodeChange('{"o":null,"s":[["a-1","k",[1]]],"r":[]}')).toBeNull();
  expect(storedEntry('a-1', '["k",{"id":"a-1"},3]')).toBeNull();
  expect(storedEntry('a-1', '{')).toBeNull();
});
