import { Cron } from 'croner';

/**
 * Cron expressions of TaskSchedules (`cron='0 9 * * 1-5' timezone='Europe/Paris'`), read by croner. Times are
 * those of the schedule's time zone (UTC when it names none), so a daily run stays at its local hour across
 * daylight-saving changes: `0 9 * * *` in Europe/Paris is 08:00Z in winter and 07:00Z in summer. A local time
 * that a spring change skips runs at the first minute that exists after it; one a fall change repeats runs once.
 */
const cache = new Map<string, Cron>();

function cronOf(pattern: string, timezone: string | undefined): Cron {
  const key = `${timezone ?? ''}\u0000${pattern}`;
  let cron = cache.get(key);
  if (!cron) {
    cron = new Cron(pattern, { paused: true, ...(timezone !== undefined && { timezone }) });
    cache.set(key, cron);
  }
  return cron;
}

/** Why `pattern` (in `timezone`) cannot be a schedule, or undefined when it can. */
export function cronProblem(pattern: string, timezone: string | undefined): string | undefined {
  try {
    const next = cronOf(pattern, timezone).nextRun(new Date(0));
    return next ? undefined : 'it never runs';
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/** The first run strictly after `after` (epoch ms), or null when there is none. */
export function cronNextAfter(pattern: string, timezone: string | undefined, after: number): number | null {
  const next = cronOf(pattern, timezone).nextRun(new Date(after));
  return next ? next.getTime() : null;
}
