import { useEffect, useRef, useState } from 'react';
import { Typography } from 'antd';
import { useCountdown } from '../use-countdown';

/** `seconds` as minutes and seconds, `m:ss` (299 → "4:59"). */
export function formatMinutesSeconds(seconds: number): string {
  const whole = Math.max(0, Math.ceil(seconds));
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}`;
}

/** Seconds from now until `expiresAt` (0 when past); undefined when it is no date. */
function secondsUntil(expiresAt: string): number | undefined {
  const at = Date.parse(expiresAt);
  return Number.isFinite(at) ? Math.max(0, (at - Date.now()) / 1000) : undefined;
}

interface ExpiryCountdownProps {
  /** When what the line speaks of stops working (ISO date-time from the server). */
  expiresAt: string;
  /** The visible line for the time left (`m:ss`), ticking each second. */
  text: (time: string) => string;
  /** Said once to screen readers when a minute or less is left (the ticking line is not a live region). */
  soonText: string;
  /** Called once when the time has run out (the line is gone then: the caller shows what follows). */
  onExpired?: () => void;
  className?: string;
}

/**
 * A quiet line saying how long something still works ("… expires in 4:59"). The seconds tick
 * visibly only; a polite live region speaks once at the last minute, and at the end the
 * caller's own notice (an alert) says it expired.
 *
 * The count runs on this browser's clock against the server's expiry. A deadline already past
 * when it first shows (everything counted here was just handed out) means this clock runs
 * ahead of the server's: then nothing is shown and nothing is ended here, the server's own
 * refusal (410) says when it ends, so a wrong clock never ends a live attempt.
 */
export function ExpiryCountdown({ expiresAt, text, soonText, onExpired, className }: ExpiryCountdownProps) {
  const [secondsLeft, start] = useCountdown(secondsUntil(expiresAt) ?? 0);
  const [shown, setShown] = useState(() => ({ expiresAt, trusted: (secondsUntil(expiresAt) ?? 0) > 0 }));
  if (shown.expiresAt !== expiresAt) setShown({ expiresAt, trusted: (secondsUntil(expiresAt) ?? 0) > 0 });
  const valid = shown.trusted && secondsUntil(expiresAt) !== undefined;
  // (Checked against the clock too: for one render after a new deadline, the count is still the old one's.)
  const expired = valid && secondsLeft === 0 && secondsUntil(expiresAt) === 0;

  // A new deadline (a new key) restarts the count.
  useEffect(() => {
    const seconds = secondsUntil(expiresAt);
    if (seconds !== undefined) start(seconds);
  }, [expiresAt, start]);

  const onExpiredRef = useRef(onExpired);
  useEffect(() => {
    onExpiredRef.current = onExpired;
  }, [onExpired]);
  useEffect(() => {
    if (expired) onExpiredRef.current?.();
  }, [expired]);

  if (!valid || expired) return null;
  return (
    <div className={['expiry-countdown', className].filter(Boolean).join(' ')}>
      <Typography.Text type="secondary" data-testid="expiry-countdown">
        {text(formatMinutesSeconds(secondsLeft))}
      </Typography.Text>
      <span className="sr-only" aria-live="polite">
        {secondsLeft <= 60 ? soonText : ''}
      </span>
    </div>
  );
}
