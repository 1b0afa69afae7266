/**
 * Light and dark themes: the user's choice is kept in localStorage; without one, the system's
 * prefers-color-scheme decides. The theme is `data-theme` on <html> (theme.css reads it).
 */
export type Theme = 'light' | 'dark';

const STORAGE_KEY = 'faultline-theme';

function stored(): Theme | null {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return value === 'light' || value === 'dark' ? value : null;
  } catch {
    return null; // storage blocked (privacy mode, sandboxed iframe): fall back to the system
  }
}

export function initialTheme(): Theme {
  return stored() ?? (typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light');
}

export function applyTheme(theme: Theme, remember: boolean): void {
  document.documentElement.dataset.theme = theme;
  if (!remember) return;
  try {
    localStorage.setItem(STORAGE_KEY, theme);
  } catch {
    /* not kept across visits, but still applied */
  }
}
