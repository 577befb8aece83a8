// Small pieces every page uses: links, errors, loading data, a ticking clock.
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { onLinkClick } from '../route.ts';
import { useT } from '../i18n.ts';
import { serverNow } from '../format.ts';

export function Link(props: { href: string; children: ComponentChildren; class?: string; 'aria-current'?: 'page' }) {
  return <a href={props.href} class={props.class} aria-current={props['aria-current']} onClick={onLinkClick}>{props.children}</a>;
}

export function ErrorBox({ error }: { error: unknown }) {
  const { t } = useT();
  if (!error) return null;
  return <p class="error" role="alert">{t('error', { error: error instanceof Error ? error.message : String(error) })}</p>;
}

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload(): Promise<void>;
}

/** Runs `load` now and whenever `deps` change; `reload` runs it again (an event said the data changed). */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [loading, setLoading] = useState(true);
  const current = useRef(load);
  current.current = load;
  const seq = useRef(0);
  const reload = useCallback(async () => {
    const mine = ++seq.current;
    setLoading(true);
    try {
      const value = await current.current();
      if (mine === seq.current) {
        setData(value);
        setError(undefined);
      }
    } catch (err) {
      if (mine === seq.current) setError(err);
    } finally {
      if (mine === seq.current) setLoading(false);
    }
  }, []);
  useEffect(() => {
    void reload();
  }, deps);
  return { data, error, loading, reload };
}

/** The line's time now, re-rendering every `ms`. */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(serverNow());
  useEffect(() => {
    const timer = setInterval(() => setNow(serverNow()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}

export function Section(props: { title: string; children: ComponentChildren; class?: string; id?: string }) {
  return (
    <section class={`panel ${props.class ?? ''}`} id={props.id} aria-label={props.title}>
      <h2>{props.title}</h2>
      {props.children}
    </section>
  );
}
