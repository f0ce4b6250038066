import { describeCron } from '../cron';

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
