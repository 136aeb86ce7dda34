//! Following the API's paging: `page[limit]`/`page[offset]`, `meta.count` and `links.next`.

use crate::Error;
use crate::jsonapi::Page;
use futures::Stream;
use futures::stream::{self, StreamExt};
use std::future::Future;

/// How a `_stream` method pages through a list.
///
/// ```
/// let opts = bigcartel::PageOptions { concurrency: 4, ..Default::default() };
/// assert_eq!(opts.page_size, 100);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageOptions {
    /// Items per request (`page[limit]`), 100 by default.
    pub page_size: i64,
    /// Pages fetched at once once the total (`meta.count`) is known; 1 (the default) fetches one
    /// page at a time. At most this many pages are held in memory, whatever the list's length.
    pub concurrency: usize,
    /// Where to start (`page[offset]`).
    pub start_offset: i64,
}

impl Default for PageOptions {
    fn default() -> Self {
        PageOptions {
            page_size: 100,
            concurrency: 1,
            start_offset: 0,
        }
    }
}

struct State<F> {
    fetch: F,
    offset: i64,
    limit: i64,
    concurrency: usize,
    total: Option<u64>,
    done: bool,
}

/// Streams every item of a list, given a function that fetches one page at `(offset, limit)`.
///
/// Items come out in the API's order. A failed page ends the stream with its error. When the API
/// returns fewer items than asked for before the end (a server-side cap), the stream continues
/// from where that page ended, so nothing is skipped.
pub fn paginate<'a, T, F, Fut>(
    fetch: F,
    options: PageOptions,
) -> impl Stream<Item = Result<T, Error>> + 'a
where
    T: 'a,
    F: Fn(i64, i64) -> Fut + 'a,
    Fut: Future<Output = Result<Page<T>, Error>> + 'a,
{
    let state = State {
        fetch,
        offset: options.start_offset.max(0),
        limit: options.page_size.max(1),
        concurrency: options.concurrency.max(1),
        total: None,
        done: false,
    };
    stream::unfold(state, |mut st| async move {
        if st.done {
            return None;
        }
        let offsets: Vec<i64> = match st.total {
            Some(total) if st.concurrency > 1 && (st.offset as u64) < total => (0..st.concurrency
                as i64)
                .map(|i| st.offset + i * st.limit)
                .filter(|o| (*o as u64) < total)
                .collect(),
            _ => vec![st.offset],
        };
        let results =
            futures::future::join_all(offsets.iter().map(|&o| (st.fetch)(o, st.limit))).await;
        let mut out = Vec::new();
        for (offset, result) in offsets.into_iter().zip(results) {
            let page = match result {
                Ok(p) => p,
                Err(e) => {
                    out.push(Err(e));
                    st.done = true;
                    break;
                }
            };
            if st.total.is_none() {
                st.total = page.total;
            }
            let n = page.items.len() as i64;
            let within_total = st.total.is_some_and(|t| ((offset + n) as u64) < t);
            let more = n > 0
                && (page.next.is_some() || within_total || (!page.has_links && n >= st.limit));
            out.extend(page.items.into_iter().map(Ok));
            st.offset = offset + n;
            if !more {
                st.done = true;
                break;
            }
            if n < st.limit {
                // A short page that is not the last: the server caps page size. Later pages of this
                // round started at the wrong offsets; drop them and go on from here.
                st.limit = n;
                break;
            }
        }
        Some((stream::iter(out), st))
    })
    .flatten()
}
