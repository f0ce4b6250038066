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

// ---- the next run ----------------------------------------------------------------------------------

const SECONDS = { name: 'second', min: 0, max: 59 };

/** The values a field allows: `*`, `*\/n`, `a`, `a-b`, `a-b/n`, `a/n` (a to the field's end), lists. */
function values(text: string, field: { min: number; max: number }): Set<number> {
  const allowed = new Set<number>();
  for (const part of text.split(',')) {
    const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (!m) {
      continue;
    }
    const step = m[4] ? Number(m[4]) : 1;
    const from = m[1] === '*' ? field.min : Number(m[2]);
    const to = m[1] === '*' || (m[4] && !m[3]) ? field.max : Number(m[3] ?? m[2]);
    for (let v = from; v <= to; v += step) {
      allowed.add(v);
    }
  }
  return allowed;
}

/**
 * When a cron expression next fires strictly after `after` (UTC), or null when it never does within
 * five years (e.g. "0 0 30 2 *") or the expression is invalid. As KFP's scheduler (robfig/cron) reads
 * it: when both day of month and weekday are restricted (neither starts with `*`), a day matching
 * EITHER runs; weekday 7 is Sunday; a 6-field expression starts with seconds.
 */
export function nextCronTime(expression: string, after: Date): Date | null {
  if (!describeCron(expression).ok) {
    return null;
  }
  let fields = expression.trim().split(/\s+/);
  let seconds = new Set([0]);
  if (fields.length === 6) {
    if (checkField(fields[0], SECONDS)) {
      return null;
    }
    seconds = values(fields[0], SECONDS);
    fields = fields.slice(1);
  }
  const [minutes, hours, doms, months, dows] = fields.map((f, i) => values(f, FIELDS[i]));
  if (dows.has(7)) {
    dows.add(0);
  }
  const domStar = fields[2].startsWith('*');
  const dowStar = fields[4].startsWith('*');
  const dayMatches = (t: Date): boolean => {
    const dom = doms.has(t.getUTCDate());
    const dow = dows.has(t.getUTCDay());
    return domStar || dowStar ? dom && dow : dom || dow;
  };
  const t = new Date(Math.floor(after.getTime() / 1000) * 1000 + 1000);
  const limit = after.getUTCFullYear() + 5;
  while (t.getUTCFullYear() <= limit) {
    if (!months.has(t.getUTCMonth() + 1)) {
      t.setUTCMonth(t.getUTCMonth() + 1, 1);
      t.setUTCHours(0, 0, 0);
    } else if (!dayMatches(t)) {
      t.setUTCDate(t.getUTCDate() + 1);
      t.setUTCHours(0, 0, 0);
    } else if (!hours.has(t.getUTCHours())) {
      t.setUTCHours(t.getUTCHours() + 1, 0, 0);
    } else if (!minutes.has(t.getUTCMinutes())) {
      t.setUTCMinutes(t.getUTCMinutes() + 1, 0);
    } else if (!seconds.has(t.getUTCSeconds())) {
      t.setUTCSeconds(t.getUTCSeconds() + 1);
    } else {
      return t;
    }
  }
  return null;
}

/** What the next run needs to know of a schedule (KFP's recurring run, or what the CLI prints). */
export interface NextRunInput {
  enabled: boolean;
  cron?: string;
  intervalSeconds?: number;
  /** RFC 3339: cron runs fire after it; interval runs fall on start + k × interval, k ≥ 1. */
  startTime?: string;
  endTime?: string;
  /** The anchor of an interval without a start time (KFP counts from the schedule's creation). */
  createdAt?: string;
}

function time(text: string | undefined): number | null {
  const ms = text ? Date.parse(text) : NaN;
  return Number.isFinite(ms) ? ms : null;
}

/**
 * When a schedule next starts a run, or null: disabled, past its end time, or a cron that never fires.
 * Computed here, in the browser, from the schedule alone (KFP does not say it); a KFP that lags
 * behind, or skips runs without catch-up, starts it later.
 */
export function nextRunTime(schedule: NextRunInput, now: Date): Date | null {
  if (!schedule.enabled) {
    return null;
  }
  const start = time(schedule.startTime);
  const end = time(schedule.endTime);
  let next: number | null = null;
  if (schedule.cron) {
    // As KFP: the first firing after the start while the start is still ahead.
    const from = start !== null && start > now.getTime() ? start : now.getTime();
    next = nextCronTime(schedule.cron, new Date(from))?.getTime() ?? null;
  } else if (schedule.intervalSeconds && schedule.intervalSeconds > 0) {
    const step = schedule.intervalSeconds * 1000;
    const anchor = start ?? time(schedule.createdAt) ?? now.getTime();
    // As KFP: the first run one interval after the anchor, then one every interval.
    const done = Math.max(1, Math.floor((now.getTime() - anchor) / step) + 1);
    next = anchor + done * step;
  }
  if (next === null || (end !== null && next > end)) {
    return null;
  }
  return new Date(next);
}
