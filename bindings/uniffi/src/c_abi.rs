//! One plain C function beside uniffi's: the success path of webhook verification, for Python.
//!
//! Why: through uniffi's generated Python, `verify_webhook` on a 2 KiB body took 8.5 µs, of
//! which about 7 µs was the call's Python-side lowering (one ctypes cast per argument, a call
//! status object, the error check); the standard library's `hmac` plus `compare_digest` takes
//! 3 µs. `ctypes` hands a `bytes` object to a `char *` parameter without copying, so this call
//! costs one foreign call. It answers only "verifies or not": on "not", Python asks
//! `verify_webhook_borrowed` (the same core function, through uniffi) for the typed reason, so
//! errors have one path.

#![allow(unsafe_code)]

/// The bytes at `ptr`, `len` long (empty for a null pointer or a zero length).
///
/// # Safety
/// A non-null `ptr` must be valid for reads of `len` bytes for the returned lifetime.
unsafe fn bytes<'a>(ptr: *const u8, len: usize) -> &'a [u8] {
    if ptr.is_null() || len == 0 {
        &[]
    } else {
        // SAFETY: the caller guarantees `ptr` is readable for `len` bytes during the call.
        unsafe { std::slice::from_raw_parts(ptr, len) }
    }
}

/// 1 when `header` is the signature of `body` under `secret` (`bigcartel::webhook::verify`),
/// 0 otherwise (any failure: ask `verify_webhook_borrowed` why).
///
/// # Safety
/// Each pointer must be null or valid for reads of its length for the duration of the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bigcartel_webhook_verifies(
    secret: *const u8,
    secret_len: usize,
    body: *const u8,
    body_len: usize,
    header: *const u8,
    header_len: usize,
) -> i32 {
    // SAFETY: forwarded from this function's contract.
    let (secret, body, header) = unsafe {
        (
            bytes(secret, secret_len),
            bytes(body, body_len),
            bytes(header, header_len),
        )
    };
    let Ok(header) = std::str::from_utf8(header) else {
        return 0;
    };
    i32::from(bigcartel::webhook::verify(secret, body, Some(header)).is_ok())
}

#[cfg(test)]
mod tests {
    use super::bigcartel_webhook_verifies;

    fn verifies(secret: &[u8], body: &[u8], header: &[u8]) -> i32 {
        // SAFETY: each pointer comes from a live slice of the given length.
        unsafe {
            bigcartel_webhook_verifies(
                secret.as_ptr(),
                secret.len(),
                body.as_ptr(),
                body.len(),
                header.as_ptr(),
                header.len(),
            )
        }
    }

    #[test]
    fn answers_as_the_core_does() {
        let sig = bigcartel::webhook::sign(b"s3cret", b"{}");
        assert_eq!(verifies(b"s3cret", b"{}", sig.as_bytes()), 1);
        assert_eq!(verifies(b"s3cret", b"{} ", sig.as_bytes()), 0);
        assert_eq!(verifies(b"other", b"{}", sig.as_bytes()), 0);
        assert_eq!(verifies(b"", b"{}", sig.as_bytes()), 0);
        assert_eq!(verifies(b"s3cret", b"{}", b"\xff"), 0);
        let empty = bigcartel::webhook::sign(b"s3cret", b"");
        assert_eq!(verifies(b"s3cret", b"", empty.as_bytes()), 1);
        // SAFETY: null pointers with zero lengths are allowed by the contract.
        let null_body = unsafe {
            bigcartel_webhook_verifies(
                b"s3cret".as_ptr(),
                6,
                std::ptr::null(),
                0,
                empty.as_ptr(),
                empty.len(),
            )
        };
        assert_eq!(null_body, 1);
    }
}
