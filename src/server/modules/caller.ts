/** Who is making a request, as resolved from the session cookie. */
export interface Caller {
  userId: string;
  /** Hash of the session token; null for callers not using a browser session. */
  sessionId: string | null;
  name: string;
  email: string;
  isInstanceAdmin: boolean;
  ip: string | null;
}

/** What is known about a request before anyone is signed in. */
export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
}
