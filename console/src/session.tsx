import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, ApiFailure, onUnauthorized } from './api/http';
import { tokenStore } from './api/token-store';
import type { Me } from './api/types';
import { forgetReference } from './hooks/useReference';

export interface Session {
  me: Me | null;
  /** True while the stored token is being checked with GET /me. */
  checking: boolean;
  /** Set when a call answered 401: the login page says so. */
  expired: boolean;
  /** Why the stored token could not be checked (the server unreachable, say); `recheck` tries again. */
  checkError: unknown;
  recheck(): void;
  login(token: string): Promise<Me>;
  logout(): void;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [checking, setChecking] = useState(() => tokenStore.get() !== null);
  const [expired, setExpired] = useState(false);
  const [checkError, setCheckError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);

  const logout = useCallback(() => {
    tokenStore.clear();
    forgetReference();
    setMe(null);
  }, []);

  useEffect(
    () =>
      onUnauthorized(() => {
        logout();
        setExpired(true);
      }),
    [logout],
  );

  useEffect(() => {
    if (!tokenStore.get()) return;
    setChecking(true);
    setCheckError(null);
    api.get<Me>('/me').then(
      (user) => {
        setMe(user);
        setChecking(false);
      },
      (err: unknown) => {
        // A 401 already ended the session (onUnauthorized); anything else keeps the token for a retry.
        if (!(err instanceof ApiFailure && err.status === 401)) setCheckError(err);
        setChecking(false);
      },
    );
  }, [attempt]);

  const recheck = useCallback(() => setAttempt((a) => a + 1), []);

  const login = useCallback(async (token: string) => {
    tokenStore.set(token.trim());
    try {
      const user = await api.get<Me>('/me');
      setExpired(false);
      setMe(user);
      return user;
    } catch (err) {
      tokenStore.clear();
      throw err;
    }
  }, []);

  const value = useMemo(
    () => ({ me, checking, expired, checkError, recheck, login, logout }),
    [me, checking, expired, checkError, recheck, login, logout],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

/** The logged-in user; only for pages under the console layout, which renders nothing without one. */
export function useMe(): Me {
  const { me } = useSession();
  if (!me) throw new Error('useMe without a logged-in user');
  return me;
}
