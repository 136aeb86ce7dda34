//! Account, countries, artists, categories and products.

use crate::context::Global;
use crate::print::{self, Column, text};
use crate::{Outcome, col};
use bigcartel::{ArtistInput, CategoryInput, ListProductsParams, PageOptions};
use clap::Subcommand;
use futures::TryStreamExt;
use serde_json::Value;

pub async fn account(g: &Global) -> Outcome {
    let account = g.client()?.get_account().await?;
    print::detail(g.json, &account);
    Ok(())
}

pub async fn countries(g: &Global) -> Outcome {
    let page = g.client()?.list_countries().await?;
    print::list(
        g.json,
        &page.items,
        &[col!("ID", "id"), col!("NAME", "name")],
    );
    Ok(())
}

/// Which kind of grouping.
#[derive(Clone, Copy)]
pub enum Taxon {
    Artists,
    Categories,
}

#[derive(Subcommand)]
pub enum TaxonCommand {
    /// List them all, in position order.
    List,
    /// Show one.
    Get { id: String },
    /// Create one.
    Create {
        #[arg(long)]
        name: String,
    },
    /// Rename one.
    Update {
        id: String,
        #[arg(long)]
        name: String,
    },
    /// Delete one.
    Delete { id: String },
    /// Put them in this order (every id, first to last).
    Reposition {
        #[arg(required = true)]
        ids: Vec<String>,
    },
}

const TAXON_COLUMNS: &[Column] = &[
    col!("ID", "id"),
    col!("POSITION", "position"),
    col!("NAME", "name"),
    col!("PERMALINK", "permalink"),
];

pub async fn taxon(g: &Global, kind: Taxon, cmd: TaxonCommand) -> Outcome {
    let c = g.client()?;
    use Taxon::*;
    use TaxonCommand::*;
    match (kind, cmd) {
        (Artists, List) => print::list(g.json, &c.list_artists().await?.items, TAXON_COLUMNS),
        (Categories, List) => print::list(g.json, &c.list_categories().await?.items, TAXON_COLUMNS),
        (Artists, Get { id }) => print::detail(g.json, &c.get_artist(&id).await?),
        (Categories, Get { id }) => print::detail(g.json, &c.get_category(&id).await?),
        (Artists, Create { name }) => {
            print::detail(g.json, &c.create_artist(&ArtistInput::new(name)).await?)
        }
        (Categories, Create { name }) => {
            print::detail(g.json, &c.create_category(&CategoryInput::new(name)).await?)
        }
        (Artists, Update { id, name }) => print::detail(
            g.json,
            &c.update_artist(&id, &ArtistInput::new(name)).await?,
        ),
        (Categories, Update { id, name }) => print::detail(
            g.json,
            &c.update_category(&id, &CategoryInput::new(name)).await?,
        ),
        (Artists, Delete { id }) => {
            c.delete_artist(&id).await?;
            print::done(g.json, &format!("deleted artist {id}"));
        }
        (Categories, Delete { id }) => {
            c.delete_category(&id).await?;
            print::done(g.json, &format!("deleted category {id}"));
        }
        (Artists, Reposition { ids }) => {
            c.reposition_artists(&ids).await?;
            print::done(g.json, &format!("repositioned {} artists", ids.len()));
        }
        (Categories, Reposition { ids }) => {
            c.reposition_categories(&ids).await?;
            print::done(g.json, &format!("repositioned {} categories", ids.len()));
        }
    }
    Ok(())
}

#[derive(Subcommand)]
pub enum ProductCommand {
    /// List products (one page, or every page with --all).
    List {
        /// Only these statuses: active, hidden, sold_out, coming_soon (comma separated).
        #[arg(long, value_delimiter = ',')]
        status: Vec<String>,
        /// Only these category ids (comma separated).
        #[arg(long, value_delimiter = ',')]
        category: Vec<String>,
        /// Only these artist ids (comma separated).
        #[arg(long, value_delimiter = ',')]
        artist: Vec<String>,
        /// Sort by position, created_at or updated_at; prefix with - for descending.
        #[arg(long, allow_hyphen_values = true)]
        sort: Option<String>,
        /// Follow every page.
        #[arg(long)]
        all: bool,
        /// Items per page.
        #[arg(long)]
        limit: Option<i64>,
        /// Items to skip.
        #[arg(long)]
        offset: Option<i64>,
    },
    /// Show a product with its options, categories, artists, shipping and images.
    Get { id: String },
    /// Put products in this order.
    Reposition {
        #[arg(required = true)]
        ids: Vec<String>,
    },
}

fn comma(v: Vec<String>) -> Option<String> {
    (!v.is_empty()).then(|| v.join(","))
}

const PRODUCT_COLUMNS: &[Column] = &[
    col!("ID", "id"),
    col!("NAME", "name"),
    col!("STATUS", "status"),
    col!("PRICE", "default_price"),
    col!("OPTIONS", |v: &Value| text(&v["options"])),
    col!("CATEGORIES", |v: &Value| text(&v["categories"])),
];

pub async fn products(g: &Global, cmd: ProductCommand) -> Outcome {
    let c = g.client()?;
    match cmd {
        ProductCommand::List {
            status,
            category,
            artist,
            sort,
            all,
            limit,
            offset,
        } => {
            let params = {
                let mut value = ListProductsParams::default();
                value.filter_status = comma(status);
                value.filter_category_id = comma(category);
                value.filter_artist_id = comma(artist);
                value.sort = sort;
                value.page_limit = limit;
                value.page_offset = offset;
                value
            };
            let items = if all {
                let pb = print::progress("products");
                let opts = PageOptions {
                    page_size: limit.unwrap_or(100),
                    ..Default::default()
                };
                let items: Vec<_> = c
                    .list_products_stream(params, opts)
                    .inspect_ok(|_| pb.inc(1))
                    .try_collect()
                    .await?;
                pb.finish_and_clear();
                items
            } else {
                c.list_products(&params).await?.items
            };
            print::list(g.json, &items, PRODUCT_COLUMNS);
        }
        ProductCommand::Get { id } => print::detail(g.json, &c.get_product(&id).await?),
        ProductCommand::Reposition { ids } => {
            c.reposition_products(&ids).await?;
            print::done(g.json, &format!("repositioned {} products", ids.len()));
        }
    }
    Ok(())
}
