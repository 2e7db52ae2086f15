// Errors of the announce HTTP API: a stable code, its HTTP status, and the one
// JSON shape every refusal has: {"error": {"code": "...", "message": "..."}}.

export const API_ERRORS = {
  BAD_JSON: 400,
  BAD_REQUEST: 400,
  BAD_RECORD: 400,
  BAD_SWARM_ID: 400,
  BAD_ADDRESS: 400,
  TOO_MANY_ADDRESSES: 400,
  SWARM_MISMATCH: 400,
  NOT_PUBLISHER: 403,
  INVALID_SIGNATURE: 403,
  NOT_FOUND: 404,
  UNKNOWN_SWARM: 404,
  METHOD_NOT_ALLOWED: 405,
  STALE_SEQUENCE: 409,
  BODY_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  INTERNAL: 500,
} as const;

export type ApiErrorCode = keyof typeof API_ERRORS;

export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly status: number;
  /** Extra fields for the JSON body (STALE_SEQUENCE carries `current`). */
  readonly extra: Record<string, unknown>;

  constructor(code: ApiErrorCode, message: string, extra: Record<string, unknown> = {}) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = API_ERRORS[code];
    this.extra = extra;
  }

  toJSON(): { error: Record<string, unknown> } {
    return { error: { code: this.code, message: this.message, ...this.extra } };
  }
}

export function isApiErrorCode(code: unknown): code is ApiErrorCode {
  return typeof code === 'string' && Object.hasOwn(API_ERRORS, code);
}
