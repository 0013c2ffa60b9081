// Python datetime values for dbt's `run_started_at` and `modules.datetime`: the attributes, `strftime` and
// `isoformat` dbt macros use, printing as Python prints them.
import { splitKeywords } from './dbtContext';

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** A Python timedelta: days and seconds, and `datetime ± timedelta` / `datetime - datetime` (see pythonCompat.ts). */
export interface PyTimedelta { days: number; seconds: number; total_seconds(): number; __timedelta: true }

export function pyTimedelta(totalSeconds: number): PyTimedelta {
  const days = Math.floor(totalSeconds / 86400);
  return { days, seconds: totalSeconds - days * 86400, total_seconds: () => totalSeconds, __timedelta: true };
}

/** `a + b` and `a - b` when either side is a datetime or timedelta; undefined otherwise. */
export function datetimeArithmetic(a: unknown, b: unknown, sign: 1 | -1): unknown {
  const ms = (v: unknown) => (v && typeof v === 'object' && '__ms' in v ? (v as { __ms: number }).__ms : undefined);
  const delta = (v: unknown) => (v && typeof v === 'object' && '__timedelta' in v ? (v as PyTimedelta).total_seconds() * 1000 : undefined);
  const at = ms(a);
  if (at !== undefined && delta(b) !== undefined) return pyDatetime(at + sign * delta(b)!, (a as { __dateOnly?: boolean }).__dateOnly);
  if (at !== undefined && sign === -1 && ms(b) !== undefined) return pyTimedelta((at - ms(b)!) / 1000);
  if (delta(a) !== undefined && delta(b) !== undefined) return pyTimedelta((delta(a)! + sign * delta(b)!) / 1000);
  return undefined;
}

export interface PyDatetime {
  year: number; month: number; day: number; hour: number; minute: number; second: number; microsecond: number;
  strftime(format: string): string;
  isoformat(sep?: string): string;
  toString(): string;
}

/** A UTC datetime at `ms` since the epoch (`dateOnly` for datetime.date values). */
export function pyDatetime(ms: number, dateOnly = false): PyDatetime {
  const d = new Date(ms);
  const f = {
    Y: () => String(d.getUTCFullYear()), y: () => pad(d.getUTCFullYear() % 100), m: () => pad(d.getUTCMonth() + 1), d: () => pad(d.getUTCDate()),
    H: () => pad(d.getUTCHours()), M: () => pad(d.getUTCMinutes()), S: () => pad(d.getUTCSeconds()), f: () => pad(d.getUTCMilliseconds() * 1000, 6),
    j: () => pad(Math.floor((ms - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86400000) + 1, 3), A: () => DAYS[d.getUTCDay()], a: () => DAYS[d.getUTCDay()].slice(0, 3),
    B: () => MONTHS[d.getUTCMonth()], b: () => MONTHS[d.getUTCMonth()].slice(0, 3), z: () => (dateOnly ? '' : '+0000'), Z: () => (dateOnly ? '' : 'UTC'), '%': () => '%',
  } as Record<string, () => string>;
  const strftime = (format: string) => String(format).replace(/%([A-Za-z%])/g, (m, c: string) => (f[c] ? f[c]() : m));
  const date = `${f.Y()}-${f.m()}-${f.d()}`;
  const isoformat = (sep = 'T') => (dateOnly ? date : `${date}${sep}${f.H()}:${f.M()}:${f.S()}.${f.f()}+00:00`);
  return {
    year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds(),
    microsecond: d.getUTCMilliseconds() * 1000,
    strftime, isoformat,
    toString: () => isoformat(' '),
    ...({ __ms: ms, __dateOnly: dateOnly } as object),
    // Methods Python datetimes have that macros call before formatting.
    ...({ date: () => pyDatetime(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()), true), astimezone: () => pyDatetime(ms), replace: (...a: unknown[]) => replaced(ms, a), timestamp: () => ms / 1000, weekday: () => (d.getUTCDay() + 6) % 7 } as object),
  };
}

function replaced(ms: number, args: unknown[]): PyDatetime {
  const { named } = splitKeywords(args);
  const d = new Date(ms);
  const n = (k: string, v: number) => (typeof named[k] === 'number' ? (named[k] as number) : v);
  return pyDatetime(Date.UTC(n('year', d.getUTCFullYear()), n('month', d.getUTCMonth() + 1) - 1, n('day', d.getUTCDate()), n('hour', d.getUTCHours()), n('minute', d.getUTCMinutes()), n('second', d.getUTCSeconds())));
}

/** `modules.datetime`: datetime.now()/utcnow(), date.today(), datetime(y, m, d), timedelta. */
export function datetimeModule(now: number): Record<string, unknown> {
  const datetime = Object.assign((y: number, m: number, d: number, h = 0, mi = 0, s = 0) => pyDatetime(Date.UTC(y, m - 1, d, h, mi, s)), {
    now: () => pyDatetime(now), utcnow: () => pyDatetime(now), today: () => pyDatetime(now),
    strptime: (s: unknown) => pyDatetime(Date.parse(String(s)) || now),
  });
  const date = Object.assign((y: number, m: number, d: number) => pyDatetime(Date.UTC(y, m - 1, d), true), { today: () => pyDatetime(now, true) });
  const timedelta = (...a: unknown[]) => {
    const { positional, named } = splitKeywords(a);
    const n = (k: string, i: number) => Number(named[k] ?? positional[i] ?? 0);
    return pyTimedelta(n('days', 0) * 86400 + n('seconds', 1) + n('minutes', 3) * 60 + n('hours', 4) * 3600 + n('weeks', 5) * 604800);
  };
  return { datetime, date, timedelta, timezone: { utc: 'UTC' } };
}
