// Routing by the address bar's path (the server answers every app path with index.html).
import { useStore } from './store.ts';
import { store } from './store.ts';

export const path = store(location.pathname + location.search);

window.addEventListener('popstate', () => path.set(location.pathname + location.search));

export function navigate(to: string, replace = false): void {
  if (to === path.get()) return;
  if (replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  path.set(to);
}

export function usePath(): { pathname: string; search: URLSearchParams } {
  const p = useStore(path);
  const [pathname = '/', search = ''] = p.split('?');
  return { pathname, search: new URLSearchParams(search) };
}

/** Links that navigate inside the app (a modified click opens a new tab as usual). */
export function onLinkClick(e: MouseEvent): void {
  const a = (e.currentTarget as HTMLAnchorElement | null);
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  e.preventDefault();
  navigate(a.getAttribute('href') ?? '/');
}
