//! The core's fill of unresolved line-item products, over the records Kotlin and Swift hold: the
//! core finds the ids, fetches each product once and places it ([`bigcartel::fill::place`]); this
//! module only says where a record keeps its product and option.

use crate::{BigCartelError, Client, Order, OrderLineItem, Product, ProductOption};
use bigcartel::fill::FillableLineItem;

/// What a fill of line items' products did.
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct FillReport {
    /// Distinct products fetched (one request each).
    pub fetched: u64,
    /// Line items whose product is now resolved.
    pub filled: u64,
    /// Product ids the API answered 404 for: those line items keep their stubs.
    pub missing: Vec<String>,
}

impl From<bigcartel::FillReport> for FillReport {
    fn from(r: bigcartel::FillReport) -> Self {
        FillReport {
            fetched: r.fetched as u64,
            filled: r.filled as u64,
            missing: r.missing,
        }
    }
}

/// Orders after a fill of their line items' products, and what was done.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct FilledOrders {
    /// The orders given, each line item's product resolved where it could be.
    pub orders: Vec<Order>,
    /// What was fetched and filled.
    pub report: FillReport,
}

impl FillableLineItem for OrderLineItem {
    type Product = Product;
    type ProductOption = ProductOption;
    fn unresolved_product_id(&self) -> Option<&str> {
        let p = self.product.as_ref()?;
        (!p.resolved).then_some(p.id.as_str())
    }
    fn unresolved_option_id(&self) -> Option<String> {
        let o = self.product_option.as_ref()?;
        (!o.resolved).then(|| o.id.clone())
    }
    fn option_of(product: &Product, id: &str) -> Option<ProductOption> {
        product.options.iter().find(|o| o.id == id).cloned()
    }
    fn put(&mut self, product: Product, option: Option<ProductOption>) {
        if let Some(option) = option {
            self.product_option = Some(option);
        }
        self.product = Some(product);
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl Client {
    /// Resolves the line items' products that an orders document did not include (an orders
    /// list never includes them): each missing product is fetched once, at most `concurrency`
    /// at a time (1 to 16), and put in place with the line item's option taken from the
    /// product's options. Answers the orders given, filled, and a report; a product the API no
    /// longer has stays a stub (`resolved` false) and is listed in `report.missing`. Any other
    /// error is raised and nothing is returned half-filled.
    pub async fn fill_line_item_products(
        &self,
        orders: Vec<Order>,
        concurrency: u32,
    ) -> Result<FilledOrders, BigCartelError> {
        let mut orders = orders;
        let mut items: Vec<&mut OrderLineItem> =
            orders.iter_mut().flat_map(|o| o.items.iter_mut()).collect();
        let report = self
            .inner
            .fill_items(&mut items, concurrency as usize, Product::from)
            .await?;
        Ok(FilledOrders {
            orders,
            report: report.into(),
        })
    }
}
