//! The service's pages: server-rendered HTML with a stylesheet and inline SVG, no script.
//! Every value from outside (merchant ids, reasons, errors) goes through [`escape`].

use std::fmt::Write as _;

use super::{Merchant, PassRecord};
use crate::ledger::{LedgerStatus, OrderState, format_ms};

/// HTML-escapes text for element content and quoted attributes.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}\
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}table{border-collapse:collapse;margin:.5rem 0}\
td,th{border:1px solid #ccc;padding:.25rem .6rem;text-align:left}th{background:#f4f4f4}\
.muted{color:#666}.ok{color:#176317}.warn{color:#8a4b00}.box{border:1px solid #ccc;border-radius:6px;padding:1rem;margin:1rem 0}\
input{padding:.4rem;font-size:1rem}button{padding:.4rem 1rem;font-size:1rem}code{background:#f4f4f4;padding:0 .2rem}";

/// A whole page.
pub fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{t}</title><style>{STYLE}</style></head>\n<body>\n<h1>{t}</h1>\n{body}\n</body></html>\n",
        t = escape(title)
    )
}

/// What a merchant can do about a held order, from its reason.
pub fn advice(reason: &str) -> &'static str {
    let r = reason.to_ascii_lowercase();
    if r.contains("sku") {
        "Add a line “SKU: …” to the product's description in Big Cartel; the order is sent on the next pass."
    } else if r.contains("payment") || r.contains("paid") {
        "Waiting for the payment to complete; nothing to do unless it never does (then cancel the order)."
    } else if r.contains("address") || r.contains("country") || r.contains("shipping") {
        "Fix the shipping address in Big Cartel, or ship this order yourself."
    } else if r.contains("no longer exists") || r.contains("no product") {
        "A product of the order was deleted: ship this order yourself."
    } else if r.contains("rejected") {
        "The fulfillment center refused the order: check the products and the address, then it is retried."
    } else {
        "Check the order in Big Cartel; it is checked again on every pass."
    }
}

/// Orders per state.
pub fn counts_table(status: &LedgerStatus) -> String {
    let mut out = String::from("<table id=\"counts\"><tr><th>State</th><th>Orders</th></tr>");
    for s in OrderState::ALL {
        let _ = write!(
            out,
            "<tr><td>{}</td><td data-state=\"{}\">{}</td></tr>",
            s.as_str(),
            s.as_str(),
            status.count(s)
        );
    }
    out.push_str("</table>");
    out
}

/// Held orders with reasons and what to do, then failing steps; at most `limit` rows each.
pub fn attention(status: &LedgerStatus, limit: usize) -> String {
    let mut out = String::new();
    let _ = write!(out, "<h2>Held orders ({})</h2>", status.held.len());
    if status.held.is_empty() {
        out.push_str("<p class=\"muted\">None.</p>");
    } else {
        out.push_str("<table id=\"held\"><tr><th>Order</th><th>Why</th><th>What to do</th></tr>");
        for h in status.held.iter().take(limit) {
            let _ = write!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&h.order_id),
                escape(&h.reason),
                escape(advice(&h.reason))
            );
        }
        out.push_str("</table>");
    }
    let _ = write!(out, "<h2>Failing steps ({})</h2>", status.errors.len());
    if status.errors.is_empty() {
        out.push_str("<p class=\"muted\">None.</p>");
    } else {
        out.push_str("<table id=\"failing\"><tr><th>Order</th><th>State</th><th>Attempts</th><th>Error</th><th>Next try</th></tr>");
        for e in status.errors.iter().take(limit) {
            let _ = write!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&e.order_id),
                e.state,
                e.attempts,
                escape(&e.reason),
                e.retry_at.map(format_ms).unwrap_or_default()
            );
        }
        out.push_str("</table>");
    }
    out
}

/// The last passes.
pub fn passes_table(passes: &[PassRecord], with_merchant: bool) -> String {
    if passes.is_empty() {
        return "<p class=\"muted\">No pass yet.</p>".into();
    }
    let mut out = String::from("<table id=\"passes\"><tr>");
    if with_merchant {
        out.push_str("<th>Merchant</th>");
    }
    out.push_str("<th>Finished</th><th>Took</th><th>Worker</th><th>Result</th></tr>");
    for p in passes {
        out.push_str("<tr>");
        if with_merchant {
            let _ = write!(out, "<td>{}</td>", escape(&p.merchant_id));
        }
        let result = match &p.error {
            Some(e) => format!("<span class=\"warn\">{}</span>", escape(e)),
            None => escape(&p.summary),
        };
        let _ = write!(
            out,
            "<td>{}</td><td>{} ms</td><td>{}</td><td>{result}</td></tr>",
            format_ms(p.finished_at),
            p.finished_at - p.started_at,
            escape(&p.worker),
        );
    }
    out.push_str("</table>");
    out
}

/// A line chart of orders submitted and shipped per bucket, as inline SVG.
pub fn chart(submitted: &[u64], shipped: &[u64], since: i64, until: i64) -> String {
    let (w, h, pad) = (600.0f64, 160.0f64, 24.0f64);
    let n = submitted.len().max(shipped.len()).max(2);
    let max = submitted
        .iter()
        .chain(shipped)
        .copied()
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let points = |series: &[u64]| -> String {
        series
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let x = pad + (w - 2.0 * pad) * i as f64 / (n - 1) as f64;
                let y = h - pad - (h - 2.0 * pad) * *v as f64 / max;
                format!("{x:.1},{y:.1}")
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let total = |s: &[u64]| s.iter().sum::<u64>();
    format!(
        "<figure><svg id=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" \
         viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"Orders submitted and shipped over time\">\
         <rect x=\"0\" y=\"0\" width=\"{w}\" height=\"{h}\" fill=\"#fafafa\" stroke=\"#ccc\"/>\
         <line x1=\"{pad}\" y1=\"{b}\" x2=\"{r}\" y2=\"{b}\" stroke=\"#999\"/>\
         <text x=\"4\" y=\"{t}\" font-size=\"11\" fill=\"#666\">{max}</text>\
         <polyline fill=\"none\" stroke=\"#1f6feb\" stroke-width=\"2\" points=\"{sub}\"/>\
         <polyline fill=\"none\" stroke=\"#2da44e\" stroke-width=\"2\" stroke-dasharray=\"5 3\" points=\"{shp}\"/>\
         </svg><figcaption><span style=\"color:#1f6feb\">━ submitted ({ts})</span> · \
         <span style=\"color:#2da44e\">╍ shipped ({th})</span> · {from} to {to}</figcaption></figure>",
        b = h - pad,
        r = w - pad,
        t = pad - 6.0,
        max = max as u64,
        sub = points(submitted),
        shp = points(shipped),
        ts = total(submitted),
        th = total(shipped),
        from = format_ms(since),
        to = format_ms(until),
    )
}

/// One row per merchant on the operators' page.
pub fn merchants_table(rows: &[(Merchant, Option<LedgerStatus>)]) -> String {
    let mut out = String::from(
        "<table id=\"merchants\"><tr><th>Merchant</th><th>Account</th><th>Connected</th>\
         <th>Worker</th><th>Done</th><th>In progress</th><th>Held</th><th>Failing</th></tr>",
    );
    for (m, status) in rows {
        let (done, progress, held, failing) = status
            .as_ref()
            .map(|s| {
                (
                    s.count(OrderState::Done),
                    s.in_progress(),
                    s.count(OrderState::Held),
                    s.errors.len(),
                )
            })
            .unwrap_or_default();
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{done}</td><td>{progress}</td>\
             <td>{held}</td><td>{failing}</td></tr>",
            escape(&m.merchant_id),
            escape(m.account_id.as_deref().unwrap_or("—")),
            if m.connected {
                m.connected_at
                    .map(format_ms)
                    .unwrap_or_else(|| "yes".into())
            } else {
                "no".into()
            },
            escape(m.lease_owner.as_deref().unwrap_or("—")),
        );
    }
    out.push_str("</table>");
    out
}
