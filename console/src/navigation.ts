import { useEffect, useState, type MouseEvent } from 'react';

/** Paths the console knows; anything else renders the overview. */
export type ConsolePath = '/' | '/settings' | '/settings/tenant' | '/members' | '/reset-password';

const NAVIGATE_EVENT = 'console:navigate';

/** Moves to `path` with history.pushState (no reload) and tells every usePath() hook. */
export function navigate(path: string, options: { replace?: boolean } = {}): void {
  if (path === window.location.pathname) return;
  if (options.replace) window.history.replaceState(null, '', path);
  else window.history.pushState(null, '', path);
  window.dispatchEvent(new Event(NAVIGATE_EVENT));
  window.scrollTo(0, 0);
}

/** The current location path, updated on navigate() and on back/forward. */
export function usePath(): string {
  const [path, setPath] = useState(() => window.location.pathname);
  useEffect(() => {
    const sync = () => setPath(window.location.pathname);
    window.addEventListener('popstate', sync);
    window.addEventListener(NAVIGATE_EVENT, sync);
    return () => {
      window.removeEventListener('popstate', sync);
      window.removeEventListener(NAVIGATE_EVENT, sync);
    };
  }, []);
  return path;
}

/** onClick for an <a href>: client-side navigation for plain left clicks, normal browser behaviour otherwise. */
export function linkClick(path: string) {
  return (event: MouseEvent<HTMLElement>) => {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(path);
  };
}
