/** The reset link's token, once read from the address bar (it stays only in memory). */
let token: string | undefined;

/**
 * The token of a reset link `/reset-password#<token>`: read from the fragment (which
 * browsers never send to a server, nor in a Referer), then cleared from the address bar and
 * the history entry with history.replaceState, so it is not left on screen, in a bookmark
 * or in the history. Read once per page load; later calls return what was read.
 */
export function takeResetToken(): string | undefined {
  const fragment = window.location.hash.replace(/^#/, '');
  if (fragment) {
    token = decodeURIComponent(fragment);
    window.history.replaceState(null, '', window.location.pathname);
  }
  return token || undefined;
}
