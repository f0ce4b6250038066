/**
 * A cron expression read aloud ("every Monday at 06:00 UTC") for the Schedule dialog, or what is wrong
 * with it. Five fields (minute hour day month weekday) or KFP's six (seconds first). KFP runs schedules
 * in UTC.
 */

export type CronReading = { ok: true; text: string } | { ok: false; error: string };

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December'
];
const FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  { name: 'weekday', min: 0, max: 7 }
];

/** One field: `*`, `*\/n`, or a list of numbers and ranges (`1,3-5`); else the error naming it. */
function checkField(text: string, field: (typeof FIELDS)[number]): string | null {
  if (text === '*' || /^\*\/[1-9]\d*$/.test(text)) {
    return null;
  }
  for (const part of text.split(',')) {
    const m = /^(\d+)(?:-(\d+))?(?:\/[1-9]\d*)?$/.exec(part);
    const numbers = m ? [m[1], m[2]].filter(Boolean).map(Number) : [];
    if (!m || numbers.some(n => n < field.min || n > field.max)) {
      return `the ${field.name} field "${text}" must be *, */N or numbers from ${field.min} to ${field.max}`;
    }
  }
  return null;
}

function pad(n: string): string {
  return n.padStart(2, '0');
}

function list(values: string[]): string {
  return values.length > 1
    ? `${values.slice(0, -1).join(', ')} and ${values[values.length - 1]}`
    : values[0];
}

/** Names for a field of plain numbers (`1,3` → Monday and Wednesday); null for ranges and steps. */
function named(text: string, names: string[], offset: number): string | null {
  if (!/^\d+(,\d+)*$/.test(text)) {
    return null;
  }
  return list(text.split(',').map(n => names[(Number(n) - offset) % names.length]));
}

export function describeCron(expression: string): CronReading {
  let fields = expression.trim().split(/\s+/).filter(Boolean);
  if (fields.length === 6) {
    fields = fields.slice(1); // KFP's seconds field
  }
  if (fields.length !== 5) {
    return {
      ok: false,
      error: 'A cron expression has 5 fields: minute hour day-of-month month weekday'
    };
  }
  for (let i = 0; i < 5; i++) {
    const error = checkField(fields[i], FIELDS[i]);
    if (error) {
      return { ok: false, error: error[0].toUpperCase() + error.slice(1) };
    }
  }
  const [minute, hour, dom, month, dow] = fields;
  let when: string;
  if (/^\d+$/.test(minute) && /^\d+$/.test(hour)) {
    when = `at ${pad(hour)}:${pad(minute)} UTC`;
  } else if (/^\d+$/.test(minute) && hour === '*') {
    when = minute === '0' ? 'every hour, on the hour' : `every hour at minute ${minute}`;
  } else if (/^\*\/\d+$/.test(minute) && hour === '*') {
    when = `every ${minute.slice(2)} minutes`;
  } else if (minute === '*' && hour === '*') {
    when = 'every minute';
  } else {
    when = `at minute ${minute} of hour ${hour} (UTC)`;
  }
  const days: string[] = [];
  if (dow !== '*') {
    days.push(`on ${named(dow, DAYS, 0) ?? `weekdays ${dow}`}`);
  }
  if (dom !== '*') {
    days.push(`on day ${dom} of the month`);
  }
  if (month !== '*') {
    days.push(`in ${named(month, MONTHS, 1) ?? `months ${month}`}`);
  }
  const everyDay = dow === '*' && dom === '*' && when.startsWith('at ');
  const text = [everyDay ? 'every day' : '', when, ...days].filter(Boolean).join(' ');
  // "every Monday at 06:00 UTC" reads better than "at 06:00 UTC on Monday".
  const single = /^\d$/.test(dow) && dom === '*' && month === '*' && when.startsWith('at ');
  return { ok: true, text: single ? `every ${DAYS[Number(dow) % 7]} ${when}` : text };
}
