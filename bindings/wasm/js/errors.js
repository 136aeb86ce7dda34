// The package's error classes. One copy per package: both the full client and the webhooks-only
// entry import this file, so `instanceof` works whichever entry threw.

/** Every error the package throws. */
export class BigCartelError extends Error {
  constructor(message, fields) {
    super(message);
    Object.defineProperty(this, "name", { value: new.target.name, enumerable: false, configurable: true });
    if (fields) Object.assign(this, fields);
  }
}

/** The API answered with an error status. */
export class ApiError extends BigCartelError {}
/** A body that is not the expected JSON:API document (from an API call or a `decode...` function). */
export class DecodeError extends BigCartelError {}
/** The request failed below HTTP: connection, timeout, broken body. */
export class TransportError extends BigCartelError {}
/** Paging stopped: the list went past `maxPages`/`maxItems`, or the server sent a page again. */
export class PagingError extends BigCartelError {}
/** An argument could not be sent (wrong type, empty id list, ...). */
export class InvalidInputError extends BigCartelError {}
/** The client was configured wrongly (bad base URL, bad User-Agent, no credentials). */
export class ConfigError extends BigCartelError {}
/** A webhook's signature did not verify (answer 401). */
export class WebhookSignatureError extends BigCartelError {}
/** A webhook's body verified but is not a webhook this package can read (answer 400). */
export class WebhookParseError extends BigCartelError {}

const classes = {
  ApiError,
  DecodeError,
  TransportError,
  PagingError,
  InvalidInputError,
  ConfigError,
  WebhookSignatureError,
  WebhookParseError,
};

// Called from Rust: builds the error object of the named class.
export function makeError(className, message, fields) {
  const Class = classes[className] || BigCartelError;
  return new Class(message, fields);
}
