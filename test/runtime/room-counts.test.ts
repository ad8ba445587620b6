/**
 * RoomCounts: members per room on join and leave, and the largest rooms without sorting them all.
 */
import { RoomCounts } from '../../lib/runtime/room-counts';

test('counts joins and leaves, forgets empty rooms, ignores a leave of an unknown room', () => {
  const rooms = new RoomCounts();
  rooms.joined('a');
  rooms.joined('a');
  rooms.joined('b');
  expect(rooms.size).toBe(2);
  rooms.left('a');
  rooms.left('b');
  rooms.left('nowhere');
  expect(rooms.size).toBe(1);
  expect(rooms.top(5)).toEqual([{ name: 'a', members: 1 }]);
});

test('top(n) is the n largest, largest first, ties by name, whatever the order they were made in', () => {
  const rooms = new RoomCounts();
  // Sizes 1…300 in a scrambled order, and two rooms tied at 300.
  const sizes = Array.from({ length: 300 }, (_, i) => ((i * 7919) % 300) + 1);
  sizes.forEach((size, i) => {
    for (let k = 0; k < size; k++) rooms.joined(`room-${i}`);
  });
  for (let k = 0; k < 300; k++) rooms.joined('aaa');
  const expected = [...sizes.map((members, i) => ({ name: `room-${i}`, members })), { name: 'aaa', members: 300 }]
    .sort((a, b) => b.members - a.members || (a.name < b.name ? -1 : 1))
    .slice(0, 20);
  expect(rooms.top(20)).toEqual(expected);
  expect(rooms.top(20)[0]).toEqual({ name: 'aaa', members: 300 });
  expect(rooms.top(1)).toEqual([{ name: 'aaa', members: 300 }]);
  expect(new RoomCounts().top(20)).toEqual([]);
});
