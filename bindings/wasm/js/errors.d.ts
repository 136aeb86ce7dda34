/** The operation a request was for, as the spec names it. */
export interface OperationInfo {
  /** The spec's operationId (`listProducts`). */
  id: string;
  /** The HTTP method (`GET`). */
  method: string;
  /** The spec's path template (`/v1/accounts/{account_id}/products`). */
  path: string;
}

/** One JSON:API error object, as the API sent it. */
export interface ErrorObject {
  status: string | null;
  code: string | null;
  title: string | null;
  detail: string | null;
  /** `source.pointer` or `source.parameter`: what in the request caused it. */
  source: string | null;
}

/** What an error status means. */
export type ApiErrorKind =
  /** A 3xx: redirects are never followed (one could carry the request's credentials elsewhere). */
  | "redirect"
  | "bad_request"
  | "unauthorized"
  | "request_failed"
  | "not_found"
  | "not_acceptable"
  | "rate_limited"
  | "server"
  | "other";

/** Every error the package throws. */
export class BigCartelError extends Error {
  /** The HTTP status, when the API answered. */
  readonly status?: number;
  /** The operation that failed, when there was one. */
  readonly operation?: OperationInfo;
}

/** The API answered with an error status. */
export class ApiError extends BigCartelError {
  readonly status: number;
  readonly kind: ApiErrorKind;
  readonly operation: OperationInfo;
  /** The JSON:API error objects, when the body was an error document. */
  readonly errors: ErrorObject[];
  /** The start of the body when it was not an error document (an HTML 502 page, say). */
  readonly bodyExcerpt: string | null;
  /** `Retry-After`, in seconds, when the API sent one. */
  readonly retryAfter: number | null;
}

/** Why a body could not be decoded. */
export type DecodeErrorReason =
  /** The body was empty. */
  | "empty"
  /** Not JSON: an HTML page, a truncated body, invalid UTF-8. */
  | "not_json"
  /** JSON, but not the expected document (no `data`, an object where a list belongs...). */
  | "shape"
  /** A resource's attribute has the wrong type (a boolean sent as `"yes"`, an integer too large). */
  | "attribute"
  | "other";

/**
 * A body that is not the expected JSON:API document: from an API call that answered a success
 * status (with `status` and `operation`), or from a `decode...` function such as `decodeOrders`
 * (no request: no `status` or `operation`).
 */
export class DecodeError extends BigCartelError {
  readonly reason: DecodeErrorReason;
  /** The HTTP status, when an API call received the body. */
  readonly status?: number;
  /** The operation, when an API call received the body. */
  readonly operation?: OperationInfo;
}

/** The request failed below HTTP: connection, timeout, broken body, a body over the size cap. */
export class TransportError extends BigCartelError {
  readonly kind: "connect" | "timeout" | "body" | "too_large" | "other";
  readonly operation: OperationInfo;
}

/**
 * Paging stopped: a `...Stream` went past its `maxPages` or `maxItems`, or the server sent the
 * same page again instead of the next one (following it would never end).
 */
export class PagingError extends BigCartelError {
  readonly operation: OperationInfo;
}

/** An argument could not be sent (wrong type, empty id list, ...). */
export class InvalidInputError extends BigCartelError {
  readonly operation: OperationInfo;
}

/** The client was configured wrongly (bad base URL, bad User-Agent, no credentials). */
export class ConfigError extends BigCartelError {}

/** Why a webhook signature was rejected. */
export type WebhookSignatureReason =
  | "missing_header"
  | "empty"
  | "whitespace_padded"
  | "wrong_length"
  | "non_hex"
  | "empty_secret"
  | "mismatch";

/** A webhook's signature did not verify: answer 401. */
export class WebhookSignatureError extends BigCartelError {
  readonly status: 401;
  readonly reason: WebhookSignatureReason;
  /** For `wrong_length`: the header's length in bytes. */
  readonly len?: number;
  /** For `non_hex`: the byte offset of the first non-hex character. */
  readonly index?: number;
}

/** A webhook's body verified but is not a webhook this package can read: answer 400. */
export class WebhookParseError extends BigCartelError {
  readonly status: 400;
  readonly reason: "invalid_json" | "invalid_envelope" | "invalid_payload";
}
