//! Following the API's paging: `page[limit]`/`page[offset]`, `meta.count` and `links.next`.

use crate::Error;
use crate::jsonapi::Page;
use futures::Stream;
use futures::stream::{self, FuturesOrdered, StreamExt};
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
    /// At most this many requests (20,000 by default); a list that goes on past it ends with
    /// [`Error::Paging`]. A server that keeps answering `links.next` would otherwise be followed
    /// forever.
    pub max_pages: u64,
    /// At most this many items (1,000,000 by default); a list that goes on past it ends with
    /// [`Error::Paging`] after yielding them.
    pub max_items: u64,
}

impl Default for PageOptions {
    fn default() -> Self {
        PageOptions {
            page_size: 100,
            concurrency: 1,
            start_offset: 0,
            max_pages: 20_000,
            max_items: 1_000_000,
        }
    }
}

struct State<F, Fut: Future> {
    fetch: F,
    /// Where the next page to yield starts.
    offset: i64,
    limit: i64,
    concurrency: usize,
    total: Option<u64>,
    done: bool,
    pages: u64,
    items: u64,
    max_pages: u64,
    max_items: u64,
    /// The previous page's [`Page::fingerprint`], to notice a page sent again.
    last: Option<u64>,
    /// Requests in flight, answered in the order they were made. The first is at `offset`, each
    /// next one `limit` further: a page that is not full drops the rest (`replan`).
    window: FuturesOrdered<Fut>,
}

impl<T, F, Fut> State<F, Fut>
where
    F: Fn(i64, i64) -> Fut,
    Fut: Future<Output = Result<Page<T>, Error>>,
{
    /// Keeps up to `concurrency` requests in flight. Pages after the next are only asked for once
    /// the total is known (before that, where the list ends is unknown), and never past it or past
    /// `max_pages`.
    fn top_up(&mut self) {
        loop {
            let in_flight = self.window.len();
            let next = self.offset + in_flight as i64 * self.limit;
            let more = in_flight == 0
                || self
                    .total
                    .is_some_and(|t| in_flight < self.concurrency && (next as u64) < t);
            if !more || self.pages >= self.max_pages {
                return;
            }
            self.pages += 1;
            self.window.push_back((self.fetch)(next, self.limit));
        }
    }

    /// Drops the requests in flight (they were planned at offsets that turned out wrong).
    fn replan(&mut self) {
        self.pages -= self.window.len() as u64;
        self.window = FuturesOrdered::new();
    }
}

/// Streams every item of a list, given a function that fetches one page at `(offset, limit)`.
///
/// Items come out in the API's order. A failed page ends the stream with its error. When the API
/// returns fewer items than asked for before the end (a server-side cap), the stream continues
/// from where that page ended, so nothing is skipped. `op` names the list in a
/// [`Error::Paging`], which ends the stream when the server sends a page that repeats the previous
/// one, or when the list goes past `max_pages` or `max_items`.
///
/// Once the first page gives the total, up to `concurrency` requests stay in flight: a new one is
/// made as soon as a page has been taken, rather than in rounds that each wait for their slowest
/// page.
pub fn paginate<'a, T, F, Fut>(
    op: crate::Operation,
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
        pages: 0,
        items: 0,
        max_pages: options.max_pages,
        max_items: options.max_items,
        last: None,
        window: FuturesOrdered::new(),
    };
    let stop = move |message: String| {
        tracing::warn!(operation = op.id, %message, "paging stopped");
        Err(Error::Paging {
            operation: op,
            message,
        })
    };
    stream::unfold(state, move |mut st| async move {
        if st.done {
            return None;
        }
        st.top_up();
        // Never more requests than the cap allows; the cap itself is reported once reached.
        let Some(result) = st.window.next().await else {
            st.done = true;
            let max = st.max_pages;
            return Some((
                stream::iter(vec![stop(format!(
                    "the list goes on past {max} pages (raise PageOptions::max_pages if it is real)"
                ))]),
                st,
            ));
        };
        // Pages come back in order, so this one starts where the last one ended.
        let offset = st.offset;
        let mut out = Vec::new();
        let page = match result {
            Ok(p) => p,
            Err(e) => {
                st.done = true;
                return Some((stream::iter(vec![Err(e)]), st));
            }
        };
        if st.total.is_none() {
            st.total = page.total;
        }
        if !page.items.is_empty() && st.last == Some(page.fingerprint) {
            st.done = true;
            return Some((
                stream::iter(vec![stop(format!(
                    "the page at offset {offset} repeats the previous page"
                ))]),
                st,
            ));
        }
        st.last = Some(page.fingerprint);
        let room = st.max_items.saturating_sub(st.items);
        if page.items.len() as u64 > room {
            let max = st.max_items;
            out.extend(page.items.into_iter().take(room as usize).map(Ok));
            out.push(stop(format!(
                "the list goes on past {max} items (raise PageOptions::max_items if it is real)"
            )));
            st.done = true;
            return Some((stream::iter(out), st));
        }
        st.items += page.items.len() as u64;
        let n = page.items.len() as i64;
        let within_total = st.total.is_some_and(|t| ((offset + n) as u64) < t);
        let more =
            n > 0 && (page.next.is_some() || within_total || (!page.has_links && n >= st.limit));
        out.extend(page.items.into_iter().map(Ok));
        st.offset = offset + n;
        if !more {
            st.done = true;
        } else if n != st.limit {
            // A short page that is not the last: the server caps page size (or a long one: it
            // ignored the limit). The requests in flight were planned at the wrong offsets; drop
            // them and go on from here.
            st.limit = st.limit.min(n);
            st.replan();
        }
        Some((stream::iter(out), st))
    })
    .flatten()
}
