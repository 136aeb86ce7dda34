//! CPU work of a response (decoding a page) off the task that awaits it, where there are threads.
//!
//! Why: a paging stream with several requests in flight polls them all from one task, so each
//! page's decode (about 2 ms for 100 orders) ran on that task, one page after another, while the
//! machine's other cores idled. On a thread of the runtime's blocking pool, pages decode side by
//! side as they arrive.

/// Bodies at least this long are decoded off the awaiting task; below it, a thread hand-off
/// costs more than it saves.
pub const OFF_TASK_BYTES: usize = 64 << 10;

/// Runs `work` (the CPU work on a body of `len` bytes) and gives its result: on the runtime's
/// blocking pool when `len` is at least [`OFF_TASK_BYTES`] on a native target, inline otherwise
/// (and always on wasm, which has one thread). A panic in `work` carries on in the caller.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let body = vec![b' '; 100 << 10];
/// let spaces = api_runtime::work::cpu(body.len(), move || body.iter().filter(|b| **b == b' ').count()).await;
/// assert_eq!(spaces, 100 << 10);
/// # }
/// ```
#[cfg(not(target_arch = "wasm32"))]
pub async fn cpu<T, F>(len: usize, work: F) -> T
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    if len < OFF_TASK_BYTES {
        return work();
    }
    match tokio::task::spawn_blocking(work).await {
        Ok(out) => out,
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        // Cancelled: only a runtime shutting down does that, and it drops this caller too.
        Err(_) => std::future::pending().await,
    }
}

/// On wasm: inline (one thread).
#[cfg(target_arch = "wasm32")]
pub async fn cpu<T, F>(_len: usize, work: F) -> T
where
    F: FnOnce() -> T,
{
    work()
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::{OFF_TASK_BYTES, cpu};
    use std::thread;

    #[tokio::test(flavor = "current_thread")]
    async fn large_work_leaves_the_awaiting_thread_and_small_work_stays() {
        let here = thread::current().id();
        let large = cpu(OFF_TASK_BYTES, || thread::current().id()).await;
        assert_ne!(
            large, here,
            "a large body's work ran on the awaiting thread"
        );
        let small = cpu(OFF_TASK_BYTES - 1, || thread::current().id()).await;
        assert_eq!(small, here);
    }

    #[tokio::test(flavor = "current_thread")]
    #[should_panic(expected = "decoder bug")]
    async fn a_panic_reaches_the_caller() {
        cpu(OFF_TASK_BYTES, || panic!("decoder bug")).await
    }
}
