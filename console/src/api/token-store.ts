/** The token lives in sessionStorage: it goes when the tab closes, and never reaches another site. */
const key = 'jiesu.token';

export const tokenStore = {
  get: (): string | null => sessionStorage.getItem(key),
  set: (token: string): void => sessionStorage.setItem(key, token),
  clear: (): void => sessionStorage.removeItem(key),
};
