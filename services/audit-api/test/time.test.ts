import t from 'tap';
import { decodeCursor, encodeCursor, formatMicros, parseTimePoint } from '../src/index.ts';

t.test('parseTimePoint reads ISO 8601 forms', async (t) => {
  const cases: [string, string, string][] = [
    // input, start, end (start + unit)
    ['2024-05-01', '2024-05-01T00:00:00.000000Z', '2024-05-02T00:00:00.000000Z'],
    ['2024-02-29', '2024-02-29T00:00:00.000000Z', '2024-03-01T00:00:00.000000Z'],
    ['2024-05-01T10:00', '2024-05-01T10:00:00.000000Z', '2024-05-01T10:01:00.000000Z'],
    ['2024-05-01 10:00:05', '2024-05-01T10:00:05.000000Z', '2024-05-01T10:00:06.000000Z'],
    ['2024-05-01T10:00:05.5Z', '2024-05-01T10:00:05.500000Z', '2024-05-01T10:00:05.600000Z'],
    [
      '2024-05-01T10:00:05.123456789Z',
      '2024-05-01T10:00:05.123456Z',
      '2024-05-01T10:00:05.123457Z',
    ],
    ['2024-05-01T10:00:00+02:00', '2024-05-01T08:00:00.000000Z', '2024-05-01T08:00:01.000000Z'],
    ['2024-05-01T10:00:00-0530', '2024-05-01T15:30:00.000000Z', '2024-05-01T15:30:01.000000Z'],
    ['2024-05-01T01:00+05', '2024-04-30T20:00:00.000000Z', '2024-04-30T20:01:00.000000Z'],
    ['1969-12-31T23:59:59.999999Z', '1969-12-31T23:59:59.999999Z', '1970-01-01T00:00:00.000000Z'],
  ];
  for (const [input, start, end] of cases) {
    const point = parseTimePoint(input);
    t.ok(point, input);
    t.equal(formatMicros(point!.start), start, `${input} start`);
    t.equal(formatMicros(point!.start + point!.unit), end, `${input} end`);
  }
});

t.test('parseTimePoint rejects what is not a date', async (t) => {
  const invalid = [
    '',
    'yesterday',
    '2024-13-01',
    '2024-02-30',
    '2023-02-29',
    '2024-05-01T24:00',
    '2024-05-01T10:60',
    '2024-05-01T10:00:61',
    '2024-05-01T10:00+24:00',
    '2024-05-01Z',
    '20240501',
    '1714550400',
  ];
  for (const input of invalid) t.equal(parseTimePoint(input), null, JSON.stringify(input));
});

t.test('cursor round-trips and rejects tampering', async (t) => {
  const cursor = { timestamp: 1714557600123456n, id: 42, order: 'desc' as const };

  t.same(decodeCursor(encodeCursor(cursor)), cursor);
  t.equal(decodeCursor('garbage'), null);
  t.equal(decodeCursor(Buffer.from('{"t":"1","i":-1,"o":"desc"}').toString('base64url')), null);
  t.equal(decodeCursor(Buffer.from('{"t":"x","i":1,"o":"desc"}').toString('base64url')), null);
  t.equal(decodeCursor(Buffer.from('{"t":"1","i":1,"o":"up"}').toString('base64url')), null);
});
