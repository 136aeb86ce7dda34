//! Filling in what a document did not include: an orders list names each line item's product and
//! option but never includes them, so the line items carry stubs (`resolved: false`). These calls
//! fetch the missing products, each id once, a bounded number at a time, and put them in place.

use crate::models::{Order, Product};
use crate::{ApiErrorKind, Client, Error};
use futures::{StreamExt, TryStreamExt};
use serde_json::Value;
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

/// A line item as a fill reads and changes it. The typed models, resolved JSON and the bindings'
/// records each implement it, and every fill goes through [`unresolved_ids`] and [`place`], so
/// they all ask for the same ids and put products and options in place the same way.
pub trait FillableLineItem {
    /// The product a line item holds.
    type Product: Clone;
    /// The product option a line item holds.
    type ProductOption;
    /// The id of the product the item names, when the document did not include it (a stub).
    fn unresolved_product_id(&self) -> Option<&str>;
    /// The id of the option the item names, when the document did not include it (a stub).
    fn unresolved_option_id(&self) -> Option<String>;
    /// The option of `product` with this id, if it has one.
    fn option_of(product: &Self::Product, id: &str) -> Option<Self::ProductOption>;
    /// Puts a fetched product in place, and the item's option when one was found.
    fn put(&mut self, product: Self::Product, option: Option<Self::ProductOption>);
}

/// The ids of the products the line items name but their document did not include, each once,
/// in order of first appearance.
pub fn unresolved_ids<'a, I: FillableLineItem + 'a>(
    items: impl IntoIterator<Item = &'a I>,
) -> Vec<String> {
    let mut seen = BTreeSet::new();
    items
        .into_iter()
        .filter_map(FillableLineItem::unresolved_product_id)
        .filter(|id| !id.is_empty() && seen.insert(id.to_string()))
        .map(str::to_string)
        .collect()
}

/// Puts each fetched product in place of the stubs that name it, with the line item's option
/// taken from the product's options; answers how many line items were filled.
pub fn place<'a, I: FillableLineItem + 'a>(
    items: impl IntoIterator<Item = &'a mut I>,
    products: &BTreeMap<String, I::Product>,
) -> usize {
    let mut filled = 0;
    for item in items {
        let Some(product) = item.unresolved_product_id().and_then(|id| products.get(id)) else {
            continue;
        };
        // The option the line item names is one of the product's options.
        let option = item
            .unresolved_option_id()
            .and_then(|id| I::option_of(product, &id));
        item.put(product.clone(), option);
        filled += 1;
    }
    filled
}

impl FillableLineItem for crate::models::OrderLineItem {
    type Product = Product;
    type ProductOption = crate::models::ProductOption;
    fn unresolved_product_id(&self) -> Option<&str> {
        let p = self.product.as_deref()?;
        (!p.resolved).then_some(p.id.as_str())
    }
    fn unresolved_option_id(&self) -> Option<String> {
        let o = self.product_option.as_deref()?;
        (!o.resolved).then(|| o.id.clone())
    }
    fn option_of(product: &Product, id: &str) -> Option<Self::ProductOption> {
        product.options.iter().find(|o| o.id == id).cloned()
    }
    fn put(&mut self, product: Product, option: Option<Self::ProductOption>) {
        if let Some(option) = option {
            self.product_option = Some(Box::new(option));
        }
        self.product = Some(Box::new(product));
    }
}

/// A line item held as resolved JSON (an object with `product` and `product_option`).
impl FillableLineItem for Value {
    type Product = Value;
    type ProductOption = Value;
    fn unresolved_product_id(&self) -> Option<&str> {
        self.get("product")
            .filter(|p| is_stub(p))?
            .get("id")?
            .as_str()
    }
    fn unresolved_option_id(&self) -> Option<String> {
        // Ids are always text in resolved JSON.
        let o = self.get("product_option").filter(|o| is_stub(o))?;
        o.get("id")?.as_str().map(str::to_string)
    }
    fn option_of(product: &Value, id: &str) -> Option<Value> {
        product
            .get("options")?
            .as_array()?
            .iter()
            .find(|o| o.get("id").and_then(Value::as_str) == Some(id))
            .cloned()
    }
    fn put(&mut self, product: Value, option: Option<Value>) {
        if let Some(option) = option {
            self["product_option"] = option;
        }
        self["product"] = product;
    }
}

/// The ids of the products the orders' line items name but the document did not include, each
/// once, in order of first appearance.
pub fn unresolved_product_ids(orders: &[Order]) -> Vec<String> {
    unresolved_ids(orders.iter().flat_map(|o| &o.items))
}

/// Fetches each distinct id once with `fetch`, at most `concurrency` at a time (clamped to
/// 1..=[`MAX_FILL_CONCURRENCY`]): what was found keyed by id, and the ids answered 404 (sorted).
/// Any other error ends the call with that error. The typed and the JSON fills both fetch
/// through here, so they agree on which ids are asked for, how many at once, and what a 404 means.
async fn fetch_each<T, F, Fut>(
    ids: &[String],
    concurrency: usize,
    fetch: F,
) -> Result<(BTreeMap<String, T>, Vec<String>), Error>
where
    F: Fn(String) -> Fut,
    Fut: std::future::Future<Output = Result<T, Error>>,
{
    // Owned ids: a stream of borrowed ones makes the future's `Send` bound need a higher-ranked
    // lifetime the compiler cannot prove (the uniffi bindings need the future `Send`).
    let unique: BTreeSet<String> = ids.iter().cloned().collect();
    let fetch = &fetch;
    let results: Vec<(String, Option<T>)> = futures::stream::iter(unique)
        .map(|id: String| async move {
            match fetch(id.clone()).await {
                Ok(found) => Ok((id, Some(found))),
                Err(Error::Api(e)) if e.kind == ApiErrorKind::NotFound => Ok((id, None)),
                Err(e) => Err(e),
            }
        })
        .buffer_unordered(concurrency.clamp(1, MAX_FILL_CONCURRENCY))
        .try_collect()
        .await?;
    let (mut found, mut missing) = (BTreeMap::new(), Vec::new());
    for (id, item) in results {
        match item {
            Some(item) => {
                found.insert(id, item);
            }
            None => missing.push(id),
        }
    }
    missing.sort();
    Ok((found, missing))
}

/// Whether a resource in resolved JSON is a stub the document did not include (`resolved: false`).
fn is_stub(resource: &Value) -> bool {
    resource.get("resolved") == Some(&Value::Bool(false))
}

/// The line items of orders held as resolved JSON (each order's `items`).
fn line_items_json(orders: &mut [Value]) -> impl Iterator<Item = &mut Value> {
    orders
        .iter_mut()
        .filter_map(|o| o.get_mut("items").and_then(Value::as_array_mut))
        .flatten()
}

/// [`unresolved_product_ids`] for orders held as resolved JSON, as [`Client::call`] answers them.
pub fn unresolved_product_ids_json(orders: &[Value]) -> Vec<String> {
    unresolved_ids(
        orders
            .iter()
            .filter_map(|o| o.get("items").and_then(Value::as_array))
            .flatten(),
    )
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
        let (products, missing) =
            fetch_each(
                ids,
                concurrency,
                |id| async move { self.get_product(&id).await },
            )
            .await?;
        Ok(FetchedProducts { products, missing })
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
        let mut items: Vec<&mut crate::models::OrderLineItem> =
            orders.iter_mut().flat_map(|o| o.items.iter_mut()).collect();
        self.fill_items(&mut items, concurrency, |p| p).await
    }

    /// [`Client::fill_line_item_products`] over line items held in another form (a binding's
    /// records): the same ids, fetched with `getProduct` the same way, each product turned into
    /// the items' own type by `convert` and put in place by [`place`].
    pub async fn fill_items<I: FillableLineItem>(
        &self,
        items: &mut [&mut I],
        concurrency: usize,
        convert: impl Fn(Product) -> I::Product,
    ) -> Result<FillReport, Error> {
        let ids = unresolved_ids(items.iter().map(|i| &**i));
        if ids.is_empty() {
            return Ok(FillReport::default());
        }
        let fetched = self.fetch_products(&ids, concurrency).await?;
        let products: BTreeMap<String, I::Product> = fetched
            .products
            .into_iter()
            .map(|(id, p)| (id, convert(p)))
            .collect();
        let filled = place(items.iter_mut().map(|i| &mut **i), &products);
        Ok(FillReport {
            fetched: products.len(),
            filled,
            missing: fetched.missing,
        })
    }

    /// [`Client::fill_line_item_products`] for orders held as resolved JSON, as
    /// [`Client::call`] answers them (the JavaScript and Python packages hold responses so):
    /// the same ids fetched the same way, each through the `getProduct` operation of the spec
    /// table, and the same placement. Each order is an object whose `items` are its line items.
    ///
    /// ```no_run
    /// # async fn run(client: bigcartel::Client) -> Result<(), bigcartel::Error> {
    /// use bigcartel::dynamic::{self, Args};
    /// let op = dynamic::operation("listOrders").expect("in the spec");
    /// let page = client.call(op, &Args::default()).await?.into_json();
    /// let page: serde_json::Value = serde_json::from_str(&page).expect("JSON");
    /// let mut orders = page["items"].as_array().cloned().unwrap_or_default();
    /// let report = client.fill_line_item_products_json(&mut orders, 4).await?;
    /// println!("{} fetched: {}", report.fetched, orders[0]["items"][0]["product"]["name"]);
    /// # Ok(()) }
    /// ```
    pub async fn fill_line_item_products_json(
        &self,
        orders: &mut [Value],
        concurrency: usize,
    ) -> Result<FillReport, Error> {
        let ids = unresolved_product_ids_json(orders);
        if ids.is_empty() {
            return Ok(FillReport::default());
        }
        let op = crate::dynamic::operation("getProduct").expect("getProduct is in the spec table");
        let (products, missing) = fetch_each(&ids, concurrency, |id| async move {
            let args = crate::dynamic::Args {
                path: vec![id],
                ..Default::default()
            };
            let json = self.call(op, &args).await?.into_json();
            Ok(crate::dynamic::parse_json(&json).expect("the resolver writes JSON"))
        })
        .await?;
        let filled = place(line_items_json(orders), &products);
        Ok(FillReport {
            fetched: products.len(),
            filled,
            missing,
        })
    }
}
