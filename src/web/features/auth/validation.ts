export const MIN_PASSWORD = 10;
export const MAX_PASSWORD = 256;

export const validateEmail = (v: string) => (/^\S+@\S+\.\S+$/.test(v.trim()) ? null : 'Enter a valid email address');
export const validateName = (v: string) =>
  v.trim().length === 0 ? 'Enter a name' : v.trim().length > 120 ? 'At most 120 characters' : null;
export const validateNewPassword = (v: string) =>
  v.length < MIN_PASSWORD
    ? `Use at least ${MIN_PASSWORD} characters`
    : v.length > MAX_PASSWORD
      ? `At most ${MAX_PASSWORD} characters`
      : null;
