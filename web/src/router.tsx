// A tiny router over the History API: the dashboard has a handful of routes, so a
// dependency would weigh more than this. Query-string state lives in the URL.
import { useCallback, useEffect, useState, type MouseEvent, type ReactNode } from "react";

const CHANGE = "decnet:navigate";

export function navigate(to: string, replace = false): void {
  if (replace) history.replaceState(null, "", to);
  else history.pushState(null, "", to);
  window.dispatchEvent(new Event(CHANGE));
}

export function useLocation(): { path: string; query: URLSearchParams } {
  const read = () => ({ path: location.pathname, search: location.search });
  const [state, setState] = useState(read);
  useEffect(() => {
    const update = () => setState(read());
    window.addEventListener("popstate", update);
    window.addEventListener(CHANGE, update);
    return () => {
      window.removeEventListener("popstate", update);
      window.removeEventListener(CHANGE, update);
    };
  }, []);
  return { path: state.path, query: new URLSearchParams(state.search) };
}

// One query parameter bound to the URL (empty values are left out of it).
export function useQueryState(): [URLSearchParams, (changes: Record<string, string | null>) => void] {
  const { query } = useLocation();
  const set = useCallback((changes: Record<string, string | null>) => {
    const next = new URLSearchParams(location.search);
    for (const [key, value] of Object.entries(changes)) {
      if (value === null || value === "") next.delete(key);
      else next.set(key, value);
    }
    const text = next.toString();
    navigate(location.pathname + (text ? "?" + text : ""), true);
  }, []);
  return [query, set];
}

export function Link(props: {
  to: string;
  className?: string;
  children: ReactNode;
  title?: string;
  "aria-current"?: "page" | undefined;
}) {
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(props.to);
  };
  // Only our own paths: a link target never comes from data unchecked.
  const href = props.to.startsWith("/") ? props.to : "/";
  return (
    <a href={href} className={props.className} onClick={onClick} title={props.title} aria-current={props["aria-current"]}>
      {props.children}
    </a>
  );
}
