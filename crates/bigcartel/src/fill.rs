//! Filling in what a document did not include: an orders list names each line item's product and
//! option but never includes them, so the line items carry stubs (`resolved: false`). These calls
//! fetch the missing products, each id once, a bounded number at a time, and put them in place.

use crate::models::{Order, Product};
use crate::{ApiErrorKind, Client, Error};
use futures::{StreamExt, TryStreamExt};
use std::collections::{BTreeMap, BTreeSet};

/// How many products are fetched at once when the caller does not say.
pub const DEFAULT_FILL_CONCURRENCY: usize = 4;

/// The most requests [`Client::fetch_products`] runs at once, whatever it is asked: the API rate
/// limits by account, and more parallel requests would only be answered with 429s.
pub const MAX_FILL_CONCURRENCY: usize = 16;

/// Products fetched by id (see [`Client::fetch_products`]).
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct FetchedProducts {
    /// The products the API returned, keyed by the id asked for.
    pub products: BTreeMap<String, Product>,
    /// The ids the API answered 404 for (deleted since the order was placed, say).
    pub missing: Vec<String>,
}

/// What [`Client::fill_line_item_products`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct FillReport {
    /// Distinct products fetched (one request each).
    pub fetched: usize,
    /// Line items whose product is now resolved.
    pub filled: usize,
    /// Product ids the API answered 404 for: those line items keep their stubs.
    pub missing: Vec<String>,
}

/// The ids of the products the orders' line items name but the document did not include, each
/// once, in order of first appearance.
pub fn unresolved_product_ids(orders: &[Order]) -> Vec<String> {
    let mut seen = BTreeSet::new();
    orders
        .iter()
        .flat_map(|o| &o.items)
        .filter_map(|item| item.product.as_deref())
        .filter(|p| !p.resolved && !p.id.is_empty())
        .filter(|p| seen.insert(p.id.clone()))
        .map(|p| p.id.clone())
        .collect()
}

impl Client {
    /// Fetches products by id with `getProduct`: each distinct id once, at most `concurrency`
    /// requests at a time (clamped to 1..=[`MAX_FILL_CONCURRENCY`]). A 404 is reported in
    /// [`FetchedProducts::missing`]; any other error ends the call with that error.
    ///
    /// ```no_run
    /// # async fn run(client: bigcartel::Client) -> Result<(), bigcartel::Error> {
    /// let found = client.fetch_products(&["42".into(), "43".into()], 4).await?;
    /// for (id, product) in &found.products {
    ///     println!("{id}: {:?} ({} options)", product.name, product.options.len());
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn fetch_products(
        &self,
        ids: &[String],
        concurrency: usize,
    ) -> Result<FetchedProducts, Error> {
        let unique: BTreeSet<&String> = ids.iter().collect();
        let results: Vec<(String, Option<Product>)> = futures::stream::iter(unique)
            .map(|id| async move {
                match self.get_product(id).await {
                    Ok(product) => Ok((id.clone(), Some(product))),
                    Err(Error::Api(e)) if e.kind == ApiErrorKind::NotFound => {
                        Ok((id.clone(), None))
                    }
                    Err(e) => Err(e),
                }
            })
            .buffer_unordered(concurrency.clamp(1, MAX_FILL_CONCURRENCY))
            .try_collect()
            .await?;
        let mut out = FetchedProducts::default();
        for (id, product) in results {
            match product {
                Some(p) => {
                    out.products.insert(id, p);
                }
                None => out.missing.push(id),
            }
        }
        out.missing.sort();
        Ok(out)
    }

    /// Resolves the line items' products that the orders document did not include (an orders
    /// list never includes them): fetches each missing product once, at most `concurrency` at a
    /// time, and puts it in place, with the line item's option taken from the product's options.
    /// A product the API no longer has stays a stub (`resolved: false`) and is listed in the
    /// report.
    ///
    /// ```no_run
    /// # async fn run(client: bigcartel::Client) -> Result<(), bigcartel::Error> {
    /// let mut orders = client.list_orders(&Default::default()).await?.items;
    /// let report = client.fill_line_item_products(&mut orders, 4).await?;
    /// println!("{} products fetched, {} missing", report.fetched, report.missing.len());
    /// for item in orders.iter().flat_map(|o| &o.items) {
    ///     let product = item.product.as_deref().expect("line items name their product");
    ///     println!("{:?}: {} options", product.name, product.options.len());
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn fill_line_item_products(
        &self,
        orders: &mut [Order],
        concurrency: usize,
    ) -> Result<FillReport, Error> {
        let ids = unresolved_product_ids(orders);
        if ids.is_empty() {
            return Ok(FillReport::default());
        }
        let fetched = self.fetch_products(&ids, concurrency).await?;
        let mut report = FillReport {
            fetched: fetched.products.len(),
            filled: 0,
            missing: fetched.missing,
        };
        for item in orders.iter_mut().flat_map(|o| o.items.iter_mut()) {
            let Some(stub) = item.product.as_deref().filter(|p| !p.resolved) else {
                continue;
            };
            let Some(product) = fetched.products.get(&stub.id) else {
                continue;
            };
            // The option the line item names is one of the product's options.
            if let Some(option) = item.product_option.as_deref().filter(|o| !o.resolved)
                && let Some(found) = product.options.iter().find(|o| o.id == option.id)
            {
                item.product_option = Some(Box::new(found.clone()));
            }
            item.product = Some(Box::new(product.clone()));
            report.filled += 1;
        }
        Ok(report)
    }
}
