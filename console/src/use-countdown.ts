import { useCallback, useEffect, useState } from 'react';

/**
 * Seconds left until a deadline, ticking once a second; `start(n)` sets a new deadline n seconds away.
 * `initialSeconds`: a wait already running when the component appears (0: none).
 */
export function useCountdown(initialSeconds = 0): [secondsLeft: number, start: (seconds: number) => void] {
  const [mountedAt] = useState(() => Date.now());
  const [deadline, setDeadline] = useState(() => (initialSeconds > 0 ? mountedAt + initialSeconds * 1000 : 0));
  const [now, setNow] = useState(mountedAt);

  useEffect(() => {
    if (deadline <= Date.now()) return undefined;
    const timer = window.setInterval(() => {
      const current = Date.now();
      setNow(current);
      if (current >= deadline) window.clearInterval(timer);
    }, 250);
    return () => window.clearInterval(timer);
  }, [deadline]);

  const start = useCallback((seconds: number) => {
    const current = Date.now();
    setNow(current);
    setDeadline(current + Math.max(0, seconds) * 1000);
  }, []);

  return [Math.max(0, Math.ceil((deadline - now) / 1000)), start];
}
