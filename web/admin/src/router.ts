/** A small history router for /admin/…: paths inside the panel, without the /admin prefix. */
import { useEffect, useState } from 'preact/hooks';

export const BASE = '/admin';
const CHANGE = 'frontdesk:navigate';

export interface Location {
  path: string;
  search: URLSearchParams;
}

function current(): Location {
  const full = window.location.pathname;
  const path = full.startsWith(BASE) ? full.slice(BASE.length) || '/' : '/';
  return {
    path: path.length > 1 ? path.replace(/\/+$/, '') : path,
    search: new URLSearchParams(window.location.search),
  };
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  const url = BASE + to;
  if (options.replace) window.history.replaceState(null, '', url);
  else window.history.pushState(null, '', url);
  window.dispatchEvent(new Event(CHANGE));
}

export function useLocation(): Location {
  const [location, setLocation] = useState(current);
  useEffect(() => {
    const update = () => setLocation(current());
    window.addEventListener('popstate', update);
    window.addEventListener(CHANGE, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(CHANGE, update);
    };
  }, []);
  return location;
}

/** A click on an in-panel link navigates without reloading; modified clicks keep their meaning. */
export function linkClick(event: MouseEvent, to: string): void {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey)
    return;
  event.preventDefault();
  navigate(to);
}
