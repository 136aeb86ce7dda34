// The kinds are the core's (generated into error-kinds.d.ts from its enums and their docs).
import type {
  ApiErrorKind,
  DecodeErrorReason,
  TransportKind,
  WebhookSignatureReason,
} from "./error-kinds.js";
export type { ApiErrorKind, DecodeErrorReason, TransportKind, WebhookSignatureReason };

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
  readonly kind: TransportKind;
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
