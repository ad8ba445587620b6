import { decodeEnvelope, encodeEnvelope, isFrom, KIND_PUBLISH, KIND_SEND, originHeader } from '../../lib/bus/envelope';

const header = originHeader('0123456789ab');

test('a text publish round-trips, with a non-ASCII topic and payload, and costs 17 bytes plus topic and payload', () => {
  const message = encodeEnvelope(header, KIND_PUBLISH, 'swb:room:café', 'héllo ✓')!;
  expect(message.length).toBe(3 + 12 + 2 + Buffer.byteLength('swb:room:café') + Buffer.byteLength('héllo ✓'));
  expect(decodeEnvelope(message)).toEqual({ kind: KIND_PUBLISH, target: 'swb:room:café', payload: 'héllo ✓' });
});

test('binary payloads travel as raw bytes (no base64), from a Uint8Array view or an ArrayBuffer', () => {
  const bytes = new Uint8Array([9, 0, 255, 1, 2, 3]).subarray(1, 5);
  const decoded = decodeEnvelope(encodeEnvelope(header, KIND_SEND, 'abc-1', bytes)!)!;
  expect(decoded.kind).toBe(KIND_SEND);
  expect(decoded.target).toBe('abc-1');
  expect(Buffer.from(decoded.payload as Uint8Array)).toEqual(Buffer.from([0, 255, 1, 2]));
  const fromArrayBuffer = decodeEnvelope(encodeEnvelope(header, KIND_PUBLISH, 't', new Uint8Array([7, 8]).buffer)!)!;
  expect(Buffer.from(fromArrayBuffer.payload as Uint8Array)).toEqual(Buffer.from([7, 8]));
});

test('isFrom recognises the node own echo only', () => {
  const mine = encodeEnvelope(header, KIND_PUBLISH, 't', 'x')!;
  const theirs = encodeEnvelope(originHeader('0123456789ac'), KIND_PUBLISH, 't', 'x')!;
  expect(isFrom(mine, header)).toBe(true);
  expect(isFrom(theirs, header)).toBe(false);
  expect(isFrom(Buffer.from([1, 0]), header)).toBe(false);
});

test('malformed messages decode to null, and an oversized target is refused', () => {
  expect(decodeEnvelope(Buffer.from([1, 0]))).toBeNull();
  expect(decodeEnvelope(Buffer.from([9, 0, 0, 0, 0]))).toBeNull();
  expect(decodeEnvelope(Buffer.from([1, 0, 0, 0, 9, 65]))).toBeNull();
  expect(encodeEnvelope(header, KIND_PUBLISH, 'x'.repeat(70_000), 'y')).toBeNull();
});
