/**
 * Stable error codes of the HTTP API. Clients branch on these, so a code is never
 * renamed once released; the message beside it is for people and may change.
 */
export const ERROR_CODES = [
  'validation_failed',
  'malformed_json',
  'unauthenticated',
  'invalid_credentials',
  'forbidden',
  'not_found',
  'conflict',
  'email_taken',
  'signup_closed',
  'invite_invalid',
  'last_owner',
  'wrong_password',
  'cross_site_request',
  'rate_limited',
  'payload_too_large',
  'unsupported_media_type',
  'method_not_allowed',
  'internal_error',
  'number_already_linked',
  'number_busy',
  'pairing_failed',
  'invalid_phone',
  'number_not_found',
  'number_unavailable',
  'confirmation_required',
  'webhook_url_scheme',
  'webhook_url_credentials',
  'webhook_url_private',
  'upgrade_required',
  'invalid_csv',
  'contact_exists',
  'contact_opted_out',
  'campaign_not_editable',
  'campaign_invalid_state',
  'campaign_unresolved_variables',
  'campaign_no_recipients',
  'campaign_no_numbers',
  'media_too_large',
  'media_type_not_allowed',
  'media_not_sendable',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ApiErrorBody {
  error: {
    code: ErrorCode | string;
    message: string;
    details?: Record<string, unknown>;
  };
}
