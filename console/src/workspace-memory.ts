import type { WorkspaceRef } from './types';

/** This browser's recently used workspaces, most recent first (ids only; nothing secret). */
const STORAGE_KEY = 'mpp-2fa.recent-workspaces';
const KEEP = 10;

function read(): string[] {
  try {
    const parsed: unknown = JSON.parse(window.localStorage.getItem(STORAGE_KEY) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((id): id is string => typeof id === 'string') : [];
  } catch {
    return [];
  }
}

/** The workspace this browser used last, if any. */
export function lastWorkspaceId(): string | undefined {
  return read()[0];
}

/** Remembers `id` as the most recent workspace of this browser. */
export function rememberWorkspace(id: string): void {
  try {
    window.localStorage.setItem(STORAGE_KEY, JSON.stringify([id, ...read().filter((other) => other !== id)].slice(0, KEEP)));
  } catch {
    /* storage unavailable (private mode): the picker simply asks again */
  }
}

/** Forgets `id` (the account is no longer a member of it). */
export function forgetWorkspace(id: string): void {
  try {
    window.localStorage.setItem(STORAGE_KEY, JSON.stringify(read().filter((other) => other !== id)));
  } catch {
    /* nothing to forget */
  }
}

/** `workspaces` with this browser's recent ones first, in the order they were used. */
export function byRecentUse(workspaces: WorkspaceRef[]): WorkspaceRef[] {
  const recent = read();
  const rank = (id: string) => {
    const index = recent.indexOf(id);
    return index === -1 ? recent.length : index;
  };
  return [...workspaces].sort((a, b) => rank(a.id) - rank(b.id));
}
