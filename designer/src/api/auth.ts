/**
 * Sign-in: `/?token=<t>` keeps the token for this browser session (sessionStorage) and drops it from
 * the address bar; otherwise the token already kept, or none (the app asks for one).
 */
const KEY = 'gongzhi.token';

export function takeTokenFromUrl(): string | null {
  const url = new URL(window.location.href);
  const token = url.searchParams.get('token');
  if (token) {
    sessionStorage.setItem(KEY, token);
    url.searchParams.delete('token');
    window.history.replaceState(window.history.state, '', url.pathname + (url.search ? url.search : '') + url.hash);
  }
  return sessionStorage.getItem(KEY);
}

export function storeToken(token: string): void {
  sessionStorage.setItem(KEY, token);
}

export function forgetToken(): void {
  sessionStorage.removeItem(KEY);
}
