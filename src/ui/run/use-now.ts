/** The current time for elapsed times that move while something goes. */
import * as React from 'react';

/** The current time, again every `everyMs` while `ticking` (for elapsed times that move). */
export function useNow(ticking: boolean, everyMs = 500): number {
  const [now, setNow] = React.useState(() => Date.now());
  React.useEffect(() => {
    if (!ticking) {
      setNow(Date.now());
      return;
    }
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [ticking, everyMs]);
  return now;
}
