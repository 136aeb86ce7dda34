// Called from Rust: makes a stream of items usable with `for await`; `break` closes the stream.
export function asyncIterable(source) {
  return {
    next: () => source.next(),
    return: (value) => {
      source.close();
      return Promise.resolve({ done: true, value });
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
