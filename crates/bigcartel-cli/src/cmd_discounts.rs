//! Discounts: list (with the status filter), get, create, update, delete.

use crate::context::Global;
use crate::print::{self, Column};
use crate::{Failure, Outcome, col};
use bigcartel::{DiscountInput, DiscountRelationshipsInput, ListDiscountsParams, PageOptions};
use clap::Subcommand;
use futures::TryStreamExt;

#[derive(Subcommand)]
pub enum DiscountCommand {
    /// List discounts.
    List {
        /// Only active or expired discounts.
        #[arg(long, value_parser = ["active", "expired"])]
        status: Option<String>,
        /// Follow every page.
        #[arg(long)]
        all: bool,
    },
    /// Show one.
    Get { id: String },
    /// Create one.
    Create {
        #[command(flatten)]
        fields: DiscountFields,
    },
    /// Replace one's settings.
    Update {
        id: String,
        #[command(flatten)]
        fields: DiscountFields,
    },
    /// Delete one.
    Delete { id: String },
}

#[derive(clap::Args)]
pub struct DiscountFields {
    #[arg(long)]
    name: String,
    /// The code customers enter.
    #[arg(long)]
    code: String,
    /// When it becomes active (RFC 3339, e.g. 2026-12-01T00:00:00Z).
    #[arg(long)]
    active_at: String,
    /// When it expires (with --expiration-type on_date).
    #[arg(long)]
    expires_at: Option<String>,
    #[arg(long, value_parser = ["any_order", "minimum_cart_total", "minimum_cart_quantity"], default_value = "any_order")]
    requirement_type: String,
    #[arg(long, value_parser = ["never", "on_date", "on_limit"], default_value = "never")]
    expiration_type: String,
    #[arg(long, value_parser = ["percent_discount", "flat_rate_discount", "free_shipping"])]
    reward_type: String,
    #[arg(long, value_parser = ["all", "category", "product"], default_value = "all")]
    application_type: String,
    #[arg(long)]
    percent_discount: Option<i64>,
    /// An exact amount, e.g. 5.00.
    #[arg(long)]
    flat_rate_discount: Option<String>,
    #[arg(long)]
    use_limit: Option<i64>,
    #[arg(long)]
    minimum_cart_total: Option<String>,
    #[arg(long)]
    minimum_cart_quantity: Option<i64>,
    /// Category ids it applies to (with --application-type category).
    #[arg(long, value_delimiter = ',')]
    categories: Vec<String>,
    /// Product ids it applies to (with --application-type product).
    #[arg(long, value_delimiter = ',')]
    products: Vec<String>,
}

impl DiscountFields {
    fn into_input(self) -> Result<(DiscountInput, DiscountRelationshipsInput), Failure> {
        for amount in [&self.flat_rate_discount, &self.minimum_cart_total]
            .into_iter()
            .flatten()
        {
            if !bigcartel::money::is_decimal(amount) {
                return Err(Failure::Usage(format!(
                    "`{amount}` is not a decimal amount"
                )));
            }
        }
        let rels = {
            let mut value = DiscountRelationshipsInput::default();
            value.categories = (!self.categories.is_empty()).then_some(self.categories);
            value.products = (!self.products.is_empty()).then_some(self.products);
            value
        };
        let input = {
            let mut value = DiscountInput::default();
            value.name = self.name;
            value.code = self.code;
            value.active_at = self.active_at;
            value.expires_at = self.expires_at;
            value.requirement_type = self.requirement_type;
            value.expiration_type = self.expiration_type;
            value.reward_type = self.reward_type;
            value.application_type = self.application_type;
            value.percent_discount = self.percent_discount;
            value.flat_rate_discount = self.flat_rate_discount;
            value.use_limit = self.use_limit;
            value.minimum_cart_total = self.minimum_cart_total;
            value.minimum_cart_quantity = self.minimum_cart_quantity;
            value
        };
        Ok((input, rels))
    }
}

const COLUMNS: &[Column] = &[
    col!("ID", "id"),
    col!("NAME", "name"),
    col!("CODE", "code"),
    col!("STATUS", "status"),
    col!("REWARD", "reward_type"),
    col!("USED", "use_count"),
];

pub async fn run(g: &Global, cmd: DiscountCommand) -> Outcome {
    let c = g.client()?;
    match cmd {
        DiscountCommand::List { status, all } => {
            let params = {
                let mut value = ListDiscountsParams::default();
                value.filter_status = status;
                value
            };
            let items = if all {
                c.list_discounts_stream(params, PageOptions::default())
                    .try_collect()
                    .await?
            } else {
                c.list_discounts(&params).await?.items
            };
            print::list(g.json, &items, COLUMNS);
        }
        DiscountCommand::Get { id } => print::detail(g.json, &c.get_discount(&id).await?),
        DiscountCommand::Create { fields } => {
            let (input, rels) = fields.into_input()?;
            print::detail(g.json, &c.create_discount(&input, &rels).await?);
        }
        DiscountCommand::Update { id, fields } => {
            let (input, rels) = fields.into_input()?;
            print::detail(g.json, &c.update_discount(&id, &input, &rels).await?);
        }
        DiscountCommand::Delete { id } => {
            c.delete_discount(&id).await?;
            print::done(g.json, &format!("deleted discount {id}"));
        }
    }
    Ok(())
}
