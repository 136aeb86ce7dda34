//! Orders: list (with search, filter, sort and --all), get, update, ship.

use crate::context::Global;
use crate::print::{self, Column, text};
use crate::{Outcome, col};
use bigcartel::{ListOrdersParams, OrderInput, PageOptions};
use clap::Subcommand;
use futures::TryStreamExt;
use serde_json::Value;

#[derive(Subcommand)]
pub enum OrderCommand {
    /// List orders (one page, or every page with --all).
    List {
        /// Only shipped or unshipped orders.
        #[arg(long, value_parser = ["shipped", "unshipped"])]
        shipping_status: Option<String>,
        /// Match customer name, email or order id.
        #[arg(long)]
        search: Option<String>,
        /// Sort by created_at, updated_at or completed_at; prefix with - for descending.
        #[arg(long, allow_hyphen_values = true)]
        sort: Option<String>,
        /// Follow every page.
        #[arg(long)]
        all: bool,
        /// Pages fetched at once with --all.
        #[arg(long, default_value_t = 4)]
        concurrency: usize,
        /// Items per page.
        #[arg(long)]
        limit: Option<i64>,
        /// Items to skip.
        #[arg(long)]
        offset: Option<i64>,
        /// Also fetch each line item's product (an orders list names them without including
        /// them), each product once, --concurrency at a time.
        #[arg(long)]
        with_products: bool,
    },
    /// Show an order with its items, country, currency, events and transactions.
    Get {
        id: String,
        /// Also fetch each line item's product (the API does not include them).
        #[arg(long)]
        with_products: bool,
    },
    /// Change an order's customer or shipping details.
    Update {
        id: String,
        #[command(flatten)]
        fields: OrderFields,
    },
    /// Mark an order shipped.
    Ship { id: String },
}

#[derive(clap::Args)]
pub struct OrderFields {
    #[arg(long, value_parser = ["shipped", "unshipped"])]
    shipping_status: Option<String>,
    #[arg(long)]
    customer_first_name: Option<String>,
    #[arg(long)]
    customer_last_name: Option<String>,
    #[arg(long)]
    customer_email: Option<String>,
    #[arg(long)]
    shipping_address_1: Option<String>,
    #[arg(long)]
    shipping_address_2: Option<String>,
    #[arg(long)]
    shipping_city: Option<String>,
    #[arg(long)]
    shipping_state: Option<String>,
    #[arg(long)]
    shipping_zip: Option<String>,
    /// The 2-letter country code.
    #[arg(long)]
    shipping_country_id: Option<String>,
}

const ORDER_COLUMNS: &[Column] = &[
    col!("ID", "id"),
    col!("CREATED", "created_at"),
    col!("CUSTOMER", |v: &Value| format!(
        "{} {}",
        text(&v["customer_first_name"]),
        text(&v["customer_last_name"])
    )),
    col!("COUNTRY", |v: &Value| text(&v["shipping_country"]["id"])),
    col!("TOTAL", |v: &Value| format!(
        "{} {}",
        text(&v["total"]),
        text(&v["currency"]["id"])
    )),
    col!("SHIPPING", "shipping_status"),
    col!("ITEMS", |v: &Value| text(&v["items"])),
];

pub async fn run(g: &Global, cmd: OrderCommand) -> Outcome {
    let c = g.client()?;
    match cmd {
        OrderCommand::List {
            shipping_status,
            search,
            sort,
            all,
            concurrency,
            limit,
            offset,
            with_products,
        } => {
            let params = {
                let mut value = ListOrdersParams::default();
                value.search = search;
                value.filter_shipping_status = shipping_status;
                value.sort = sort;
                value.page_limit = limit;
                value.page_offset = offset;
                value
            };
            let mut items = if all {
                let pb = print::progress("orders");
                let opts = PageOptions {
                    page_size: limit.unwrap_or(100),
                    concurrency: concurrency.max(1),
                    start_offset: offset.unwrap_or(0),
                    ..Default::default()
                };
                let items: Vec<_> = c
                    .list_orders_stream(params, opts)
                    .inspect_ok(|_| pb.inc(1))
                    .try_collect()
                    .await?;
                pb.finish_and_clear();
                items
            } else {
                c.list_orders(&params).await?.items
            };
            if with_products {
                fill_products(&c, &mut items, concurrency).await?;
            }
            print::list(g.json, &items, ORDER_COLUMNS);
        }
        OrderCommand::Get { id, with_products } => {
            let mut order = [c.get_order(&id).await?];
            if with_products {
                fill_products(&c, &mut order, bigcartel::fill::DEFAULT_FILL_CONCURRENCY).await?;
            }
            print::detail(g.json, &order[0]);
        }
        OrderCommand::Update { id, fields } => {
            let f = fields;
            let input = {
                let mut value = OrderInput::default();
                value.customer_first_name = f.customer_first_name;
                value.customer_last_name = f.customer_last_name;
                value.customer_email = f.customer_email;
                value.shipping_address_1 = f.shipping_address_1;
                value.shipping_address_2 = f.shipping_address_2;
                value.shipping_city = f.shipping_city;
                value.shipping_state = f.shipping_state;
                value.shipping_zip = f.shipping_zip;
                value.shipping_country_id = f.shipping_country_id;
                value.shipping_status = f.shipping_status;
                value
            };
            if input == OrderInput::default() {
                return Err(crate::Failure::Usage(
                    "nothing to update: pass at least one field flag".into(),
                ));
            }
            print::detail(g.json, &c.update_order(&id, &input).await?);
        }
        OrderCommand::Ship { id } => {
            let input = OrderInput::new().shipping_status("shipped");
            let order = c.update_order(&id, &input).await?;
            if g.json {
                print::detail(true, &order);
            } else {
                print::line(&format!(
                    "order {} is {}",
                    order.id,
                    order.shipping_status.as_ref().map_or("?", |s| s.as_str())
                ));
            }
        }
    }
    Ok(())
}

/// Fills in the line items' products, saying on stderr which the API no longer has.
async fn fill_products(
    c: &bigcartel::Client,
    orders: &mut [bigcartel::models::Order],
    concurrency: usize,
) -> Result<(), crate::Failure> {
    let report = c.fill_line_item_products(orders, concurrency).await?;
    if !report.missing.is_empty() {
        eprintln!(
            "note: {} product(s) not found, left unresolved: {}",
            report.missing.len(),
            report.missing.join(", ")
        );
    }
    Ok(())
}
