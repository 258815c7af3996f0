/**
 * Loads something for a screen: `null` while loading, the value once loaded, or the error message in the
 * chosen language. A load superseded by a newer one (the keys changed) is dropped.
 */
import { useEffect, useState } from 'react';
import { ApiError } from '../api';
import { useI18n } from '../i18n';

export function useLoad<T>(load: () => Promise<T>, keys: unknown[]): { value: T | null; error: string | null } {
  const { pick } = useI18n();
  const [value, setValue] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    setValue(null);
    setError(null);
    load().then(
      (v) => live && setValue(v),
      (e) => live && setError(e instanceof ApiError ? pick(e.i18n) : String(e)),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, keys);
  return { value, error };
}
