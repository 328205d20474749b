import { useEffect, useRef } from 'react';

/** True when nothing has focus: the focused element was removed and focus fell back to the page body. */
export const isFocusLost = (): boolean => document.activeElement === null || document.activeElement === document.body;

/** Focuses `element` (a heading with tabIndex -1, say) when focus was lost to the body; leaves focus alone otherwise. */
export function focusIfLost(element: HTMLElement | null | undefined): void {
  if (element && isFocusLost()) element.focus();
}

/**
 * A ref for an element (tabIndex -1) that takes focus when it appears: always with `always`,
 * else only when focus was lost to the body (the control that had it was replaced).
 */
export function useFocusOnMount<T extends HTMLElement>(always = false) {
  const ref = useRef<T>(null);
  useEffect(() => {
    if (always) ref.current?.focus();
    else focusIfLost(ref.current);
  }, [always]);
  return ref;
}
