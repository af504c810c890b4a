import t from 'tap';
import { formatCents, toCents } from '../src/domain/money.ts';

t.test('toCents accepts at most two decimals', async (t) => {
  const cases: [string | number, number | null][] = [
    ['12.50', 1250],
    ['12.5', 1250],
    [12.5, 1250],
    [0, 0],
    ['0.01', 1],
    [19.99, 1999],
    ['1.005', null],
    [0.1 + 0.2, null],
    [-1, null],
    ['-1.00', null],
    ['abc', null],
    ['', null],
    [Number.NaN, null],
    [1e21, null],
    ['007', null],
  ];
  for (const [input, expected] of cases) {
    t.equal(toCents(input), expected, `toCents(${JSON.stringify(input)})`);
  }
});

t.test('formatCents writes two decimals', async (t) => {
  t.equal(formatCents(1250), '12.50');
  t.equal(formatCents(1), '0.01');
  t.equal(formatCents(0), '0.00');
  t.equal(formatCents(123456789), '1234567.89');
});
