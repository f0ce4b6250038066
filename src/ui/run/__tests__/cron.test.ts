import { NextRunInput, describeCron, nextCronTime, nextRunTime } from '../cron';

describe('describeCron', () => {
  it.each([
    ['0 6 * * 1', 'every Monday at 06:00 UTC'],
    ['0 0 6 * * 1', 'every Monday at 06:00 UTC'],
    ['30 2 * * *', 'every day at 02:30 UTC'],
    ['0 6 * * 1,3,5', 'at 06:00 UTC on Monday, Wednesday and Friday'],
    ['0 0 1 * *', 'at 00:00 UTC on day 1 of the month'],
    ['0 9 1 1 *', 'at 09:00 UTC on day 1 of the month in January'],
    ['*/15 * * * *', 'every 15 minutes'],
    ['0 * * * *', 'every hour, on the hour'],
    ['5 * * * 0', 'every hour at minute 5 on Sunday'],
    ['0 8-18 * * 1-5', 'at minute 0 of hour 8-18 (UTC) on weekdays 1-5']
  ])('%s reads "%s"', (cron, text) => {
    expect(describeCron(cron)).toEqual({ ok: true, text });
  });

  it.each([
    ['0 6 *', 'A cron expression has 5 fields'],
    ['61 6 * * 1', 'The minute field "61" must be *, */N or numbers from 0 to 59'],
    ['0 6 * * mon', 'The weekday field "mon"'],
    ['0 24 * * *', 'The hour field "24"']
  ])('%s is refused: %s', (cron, error) => {
    const reading = describeCron(cron);
    expect(reading.ok).toBe(false);
    expect(reading.ok ? '' : reading.error).toContain(error);
  });
});

describe('nextCronTime', () => {
  const at = (iso: string) => new Date(iso);
  it.each([
    // Monday 2026-11-30 is the Monday before; 2026-12-01 is a Tuesday.
    ['0 6 * * 1', '2026-12-01T04:00:00Z', '2026-12-07T06:00:00.000Z'],
    ['0 0 6 * * 1', '2026-12-07T05:59:59Z', '2026-12-07T06:00:00.000Z'],
    ['0 6 * * 1', '2026-12-07T06:00:00Z', '2026-12-14T06:00:00.000Z'],
    ['30 2 * * *', '2026-12-31T23:00:00Z', '2027-01-01T02:30:00.000Z'],
    // Day of month and weekday both restricted: either day runs (the 15th is a Tuesday; Friday the 4th).
    ['0 9 15 * 5', '2026-12-01T00:00:00Z', '2026-12-04T09:00:00.000Z'],
    ['0 9 15 * 5', '2026-12-12T00:00:00Z', '2026-12-15T09:00:00.000Z'],
    // A weekday given as */N counts as unrestricted: then both must hold (Saturday the 15th).
    ['0 9 15 * */3', '2026-12-01T00:00:00Z', '2027-05-15T09:00:00.000Z'],
    // Ranges with steps, lists, and 7 as Sunday.
    ['10-40/15 8-18/5 * * *', '2026-12-01T08:41:00Z', '2026-12-01T13:10:00.000Z'],
    ['0 12 * * 7', '2026-12-01T00:00:00Z', '2026-12-06T12:00:00.000Z'],
    ['5/20 * * * *', '2026-12-01T04:46:00Z', '2026-12-01T05:05:00.000Z'],
    ['0 0 29 2 *', '2026-12-01T00:00:00Z', '2028-02-29T00:00:00.000Z'],
    ['*/30 0 0 1 1 *', '2026-12-01T00:00:00Z', '2027-01-01T00:00:00.000Z'],
    ['15,45 * * * * *', '2026-12-01T00:00:20Z', '2026-12-01T00:00:45.000Z']
  ])('%s after %s → %s', (cron, after, next) => {
    expect(nextCronTime(cron, at(after))?.toISOString()).toBe(next);
  });

  it('is null for a date that never comes and for a bad expression', () => {
    expect(nextCronTime('0 0 30 2 *', at('2026-12-01T00:00:00Z'))).toBeNull();
    expect(nextCronTime('0 6 * *', at('2026-12-01T00:00:00Z'))).toBeNull();
  });
});

describe('nextRunTime', () => {
  const now = new Date('2026-12-01T04:00:00Z');
  const next = (s: NextRunInput) => nextRunTime(s, now)?.toISOString() ?? null;

  it('is the next cron firing, after a start still ahead', () => {
    expect(next({ enabled: true, cron: '0 6 * * *' })).toBe('2026-12-01T06:00:00.000Z');
    expect(next({ enabled: true, cron: '0 6 * * *', startTime: '2026-12-10T06:00:00Z' })).toBe(
      '2026-12-11T06:00:00.000Z'
    );
  });

  it('is none when disabled, when the end has passed, or when the next falls after the end', () => {
    expect(next({ enabled: false, cron: '0 6 * * *' })).toBeNull();
    expect(next({ enabled: true, cron: '0 6 * * *', endTime: '2026-11-30T00:00:00Z' })).toBeNull();
    expect(next({ enabled: true, cron: '0 6 * * *', endTime: '2026-12-01T05:00:00Z' })).toBeNull();
    expect(
      next({ enabled: true, intervalSeconds: 3600, endTime: '2026-11-01T00:00:00Z' })
    ).toBeNull();
    expect(next({ enabled: true })).toBeNull();
  });

  it('counts an interval from the start, else from the creation, first run one interval in', () => {
    const hourly = { enabled: true, intervalSeconds: 3600 };
    expect(next({ ...hourly, startTime: '2026-12-01T01:30:00Z' })).toBe('2026-12-01T04:30:00.000Z');
    expect(next({ ...hourly, startTime: '2026-12-01T04:00:00Z' })).toBe('2026-12-01T05:00:00.000Z');
    expect(next({ ...hourly, startTime: '2026-12-02T00:00:00Z' })).toBe('2026-12-02T01:00:00.000Z');
    expect(next({ ...hourly, createdAt: '2026-11-30T23:10:00Z' })).toBe('2026-12-01T04:10:00.000Z');
  });
});
