// A tiny runtime-neutral test kit: the same checks run in Node, Deno, Bun, workerd and Chromium.

export class CheckFailed extends Error {}

export function assert(cond, message) {
  if (!cond) throw new CheckFailed(message || "assertion failed");
}

export function eq(actual, expected, what = "value") {
  if (actual !== expected) {
    throw new CheckFailed(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

/** Runs `fn`, which must throw (or reject with) an instance of `Class`; returns the error. */
export async function rejects(fn, Class, what) {
  let error;
  try {
    await fn();
  } catch (e) {
    error = e;
  }
  assert(error !== undefined, `${what}: expected a ${Class.name}, nothing was thrown`);
  assert(error instanceof Class, `${what}: expected a ${Class.name}, got ${error && error.name}: ${error && error.message}`);
  return error;
}

/** Runs `[name, fn]` checks in order; never stops at the first failure. */
export async function runChecks(checks, log = (line) => console.log(line)) {
  let passed = 0;
  const failures = [];
  for (const [name, fn] of checks) {
    try {
      await fn();
      passed += 1;
      log(`ok - ${name}`);
    } catch (e) {
      failures.push(`${name}: ${e && e.stack ? e.stack : e}`);
      log(`not ok - ${name}: ${e && e.message ? e.message : e}`);
    }
  }
  return { passed, failed: failures.length, failures };
}
