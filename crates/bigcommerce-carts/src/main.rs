//! `bigcommerce-carts`: the BigCommerce v3 Carts API from the command line.
//!
//! Exit codes: 0 success, 1 the API or the network failed, 2 bad usage or configuration.

use bigcommerce_carts::models::{
    Cart, CartAddItemsRequest, CartCreateRequest, CartLineItemUpdateRequest, CartUpdateRequest,
    Currency, LineItemRequest, ProductOptionSelection, ProductOptionSelectionOptionValue,
};
use bigcommerce_carts::{Client, Error, Include, money::to_cents};
use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// The BigCommerce v3 Carts API.
///
/// Credentials: --store-hash (or BIGCOMMERCE_STORE_HASH) and the API account's access token in
/// BIGCOMMERCE_TOKEN or a file (--token-file PATH, - for stdin). Try it against the local mock:
/// `cargo run -p bigcommerce-mock`, then `BIGCOMMERCE_TOKEN=mock-token bigcommerce-carts
/// --base-url http://127.0.0.1:4020 --store-hash mockstore carts get ID`.
#[derive(Parser, Debug)]
#[command(name = "bigcommerce-carts", version)]
struct Cli {
    /// The API gateway.
    #[arg(long, global = true, env = "BIGCOMMERCE_BASE_URL", default_value = bigcommerce_carts::DEFAULT_BASE_URL)]
    base_url: String,
    /// The store's hash (from its API path /stores/{store_hash}/v3).
    #[arg(long, global = true, env = "BIGCOMMERCE_STORE_HASH")]
    store_hash: Option<String>,
    /// The API account's access token (sent as X-Auth-Token; never printed). Set
    /// BIGCOMMERCE_TOKEN or use --token-file: a value given here is visible to other local users
    /// in the process list.
    #[arg(long, global = true, env = "BIGCOMMERCE_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// Read the access token from this file (- for stdin).
    #[arg(long, global = true, value_name = "PATH", conflicts_with = "token")]
    token_file: Option<String>,
    /// Print the API's objects as JSON instead of a summary.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    group: Group,
}

#[derive(Subcommand, Debug)]
enum Group {
    /// Carts and their line items.
    #[command(subcommand)]
    Carts(Command),
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Create a cart (createCart).
    Create {
        /// A catalog product: PRODUCT[:VARIANT][xQUANTITY][,OPTION=VALUE...], such as
        /// `77:102x2` or `77x1,10=1002,11=Happy birthday`. Repeatable.
        #[arg(long = "item", value_name = "SPEC")]
        items: Vec<String>,
        /// The customer (0 for a guest).
        #[arg(long)]
        customer_id: Option<i64>,
        /// The transactional currency (USD).
        #[arg(long)]
        currency: Option<String>,
        /// The locale (en-US).
        #[arg(long)]
        locale: Option<String>,
        /// The whole request as JSON (a file, or - for stdin); --item and the flags add to it.
        #[arg(long, value_name = "FILE")]
        body: Option<String>,
        /// Also create the redirect URLs.
        #[arg(long)]
        redirect_urls: bool,
    },
    /// Show a cart with its items' options (getCart).
    Get {
        /// The cart's id.
        cart: String,
    },
    /// Set a cart's customer (updateCart).
    Update {
        /// The cart's id.
        cart: String,
        /// The new customer.
        #[arg(long)]
        customer_id: i64,
        /// Only if the cart is still at this version.
        #[arg(long)]
        version: Option<i64>,
    },
    /// Delete a cart (deleteCart).
    Delete {
        /// The cart's id.
        cart: String,
    },
    /// Add line items (addCartLineItems).
    AddItem {
        /// The cart's id.
        cart: String,
        /// A catalog product (see `create --help`). Repeatable.
        #[arg(long = "item", value_name = "SPEC")]
        items: Vec<String>,
        /// The whole request as JSON (a file, or - for stdin); --item adds to it.
        #[arg(long, value_name = "FILE")]
        body: Option<String>,
        /// Only if the cart is still at this version.
        #[arg(long)]
        version: Option<i64>,
    },
    /// Change a line item's quantity or price (updateCartLineItem).
    UpdateItem {
        /// The cart's id.
        cart: String,
        /// The line item's id.
        item: String,
        /// The item's product (it cannot change).
        #[arg(long)]
        product: i64,
        /// The item's variant (it cannot change).
        #[arg(long)]
        variant: Option<i64>,
        /// The new quantity.
        #[arg(long)]
        quantity: i64,
        /// A price overriding the catalog's.
        #[arg(long)]
        price: Option<f64>,
        /// Only if the cart is still at this version.
        #[arg(long)]
        version: Option<i64>,
    },
    /// Remove a line item; removing the last one deletes the cart (deleteCartLineItem).
    DeleteItem {
        /// The cart's id.
        cart: String,
        /// The line item's id.
        item: String,
    },
    /// Create the URLs that send a shopper to the cart (createCartRedirectURL).
    RedirectUrls {
        /// The cart's id.
        cart: String,
    },
}

/// A failure and its exit code.
struct Failure {
    code: u8,
    message: String,
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        let code = match e {
            Error::Config(_) | Error::InvalidInput { .. } => 2,
            _ => 1,
        };
        Failure {
            code,
            message: e.to_string(),
        }
    }
}

fn usage(message: impl Into<String>) -> Failure {
    Failure {
        code: 2,
        message: message.into(),
    }
}

/// Logs (`tracing`) go to stderr, filtered by `RUST_LOG` (default: warnings and errors), with
/// colours only on a terminal.
fn init_logging() {
    use std::io::IsTerminal;
    let filter = tracing_subscriber::EnvFilter::builder()
        .with_default_directive(tracing_subscriber::filter::LevelFilter::WARN.into())
        .from_env_lossy();
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
}

fn main() -> ExitCode {
    init_logging();
    let matches = <Cli as clap::CommandFactory>::command().get_matches();
    // A token typed on the command line sits in /proc/PID/cmdline for every local user to read.
    let token_typed = matches.value_source("token") == Some(clap::parser::ValueSource::CommandLine);
    let cli = match <Cli as clap::FromArgMatches>::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    if token_typed {
        eprintln!(
            "warning: --token on the command line is visible to other local users; set BIGCOMMERCE_TOKEN or use --token-file"
        );
    }
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: could not start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("error: {}", f.message);
            ExitCode::from(f.code)
        }
    }
}

async fn run(cli: Cli) -> Result<(), Failure> {
    let store_hash = cli
        .store_hash
        .ok_or_else(|| usage("no store hash: pass --store-hash or set BIGCOMMERCE_STORE_HASH"))?;
    let token = match (&cli.token_file, cli.token) {
        (Some(path), _) => read_secret(path)?,
        (None, Some(token)) => token,
        (None, None) => {
            return Err(usage(
                "no access token: set BIGCOMMERCE_TOKEN or pass --token-file",
            ));
        }
    };
    let client = Client::builder(store_hash, token)
        .base_url(cli.base_url)
        .build()?;
    let json = cli.json;
    let Group::Carts(command) = cli.group;
    match command {
        Command::Create {
            items,
            customer_id,
            currency,
            locale,
            body,
            redirect_urls,
        } => {
            let mut request: CartCreateRequest = read_body(body.as_deref())?.unwrap_or_default();
            for spec in &items {
                request.line_items.push(parse_item(spec)?);
            }
            if customer_id.is_some() {
                request.customer_id = customer_id;
            }
            if let Some(code) = currency {
                request.currency = Some(Currency { code: Some(code) });
            }
            if locale.is_some() {
                request.locale = locale;
            }
            if request.line_items.is_empty() && request.gift_certificates.is_empty() {
                return Err(usage(
                    "nothing to put in the cart: give --item (or gift certificates in --body)",
                ));
            }
            let include = if redirect_urls {
                &[Include::RedirectUrls][..]
            } else {
                &[]
            };
            let cart = client.create_cart(&request, include).await?;
            print_cart(&cart, json);
        }
        Command::Get { cart } => {
            let cart = client.get_cart(&cart, Include::item_options()).await?;
            print_cart(&cart, json);
        }
        Command::Update {
            cart,
            customer_id,
            version,
        } => {
            let body = CartUpdateRequest {
                customer_id,
                version,
            };
            let cart = client.update_cart(&cart, &body).await?;
            print_cart(&cart, json);
        }
        Command::Delete { cart } => {
            client.delete_cart(&cart).await?;
            print_deleted(&cart, json);
        }
        Command::AddItem {
            cart,
            items,
            body,
            version,
        } => {
            let mut request: CartAddItemsRequest = read_body(body.as_deref())?.unwrap_or_default();
            for spec in &items {
                request.line_items.push(parse_item(spec)?);
            }
            if version.is_some() {
                request.version = version;
            }
            if request.line_items.is_empty() && request.gift_certificates.is_empty() {
                return Err(usage("nothing to add: give --item or --body"));
            }
            let cart = client
                .add_cart_line_items(&cart, &request, Include::item_options())
                .await?;
            print_cart(&cart, json);
        }
        Command::UpdateItem {
            cart,
            item,
            product,
            variant,
            quantity,
            price,
            version,
        } => {
            let body = CartLineItemUpdateRequest {
                line_item: Some(LineItemRequest {
                    product_id: product,
                    variant_id: variant,
                    quantity,
                    list_price: price,
                    option_selections: vec![],
                }),
                gift_certificate: None,
                version,
            };
            let cart = client
                .update_cart_line_item(&cart, &item, &body, Include::item_options())
                .await?;
            print_cart(&cart, json);
        }
        Command::DeleteItem { cart, item } => {
            match client
                .delete_cart_line_item(&cart, &item, Include::item_options())
                .await?
            {
                Some(c) => print_cart(&c, json),
                None => print_deleted(&cart, json),
            }
        }
        Command::RedirectUrls { cart } => {
            let urls = client.create_cart_redirect_url(&cart).await?;
            if json {
                print_json(&urls);
            } else {
                for (name, url) in [
                    ("cart", &urls.cart_url),
                    ("checkout", &urls.checkout_url),
                    ("embedded checkout", &urls.embedded_checkout_url),
                ] {
                    if let Some(url) = url {
                        println!("{name:<18} {url}");
                    }
                }
            }
        }
    }
    Ok(())
}

/// Reads a JSON request from a file or stdin (`-`).
fn read_body<T: serde::de::DeserializeOwned>(path: Option<&str>) -> Result<Option<T>, Failure> {
    let Some(path) = path else {
        return Ok(None);
    };
    let text = if path == "-" {
        std::io::read_to_string(std::io::stdin())
            .map_err(|e| usage(format!("could not read the body from stdin: {e}")))?
    } else {
        std::fs::read_to_string(path)
            .map_err(|e| usage(format!("could not read the body from {path}: {e}")))?
    };
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| usage(format!("the body is not a valid request: {e}")))
}

/// Parses `PRODUCT[:VARIANT][xQUANTITY][,OPTION=VALUE...]`.
fn parse_item(spec: &str) -> Result<LineItemRequest, Failure> {
    let bad = |why: &str| {
        usage(format!(
            "bad --item {spec:?}: {why} (expected PRODUCT[:VARIANT][xQUANTITY][,OPTION=VALUE...], such as 77:102x2)"
        ))
    };
    let mut parts = spec.split(',');
    let head = parts.next().unwrap_or("").trim();
    let (ids, quantity) = match head.split_once('x') {
        Some((ids, q)) => (
            ids,
            q.trim()
                .parse::<i64>()
                .map_err(|_| bad("the quantity is not a number"))?,
        ),
        None => (head, 1),
    };
    let (product, variant) = match ids.split_once(':') {
        Some((p, v)) => (
            p,
            Some(
                v.trim()
                    .parse::<i64>()
                    .map_err(|_| bad("the variant is not a number"))?,
            ),
        ),
        None => (ids, None),
    };
    let product_id = product
        .trim()
        .parse::<i64>()
        .map_err(|_| bad("the product is not a number"))?;
    let mut option_selections = Vec::new();
    for option in parts {
        let (id, value) = option
            .split_once('=')
            .ok_or_else(|| bad("an option is not OPTION=VALUE"))?;
        let option_id = id
            .trim()
            .parse::<i64>()
            .map_err(|_| bad("an option id is not a number"))?;
        let option_value = match value.trim().parse::<i64>() {
            Ok(n) => ProductOptionSelectionOptionValue::Integer(n),
            Err(_) => ProductOptionSelectionOptionValue::String(value.to_string()),
        };
        option_selections.push(ProductOptionSelection {
            option_id,
            option_value,
        });
    }
    Ok(LineItemRequest {
        product_id,
        variant_id: variant,
        quantity,
        list_price: None,
        option_selections,
    })
}

fn print_json<T: serde::Serialize>(value: &T) {
    match serde_json::to_string_pretty(value) {
        Ok(s) => println!("{s}"),
        Err(e) => eprintln!("error: could not print the result as JSON: {e}"),
    }
}

fn print_deleted(cart: &str, json: bool) {
    if json {
        print_json(&serde_json::json!({ "cart_id": cart, "deleted": true }));
    } else {
        println!("cart {cart} deleted");
    }
}

/// An amount with two decimals, exactly.
fn amount(v: Option<f64>) -> String {
    match v.and_then(to_cents) {
        Some(c) => format!(
            "{}{}.{:02}",
            if c < 0 { "-" } else { "" },
            c.abs() / 100,
            c.abs() % 100
        ),
        None => "-".into(),
    }
}

fn print_cart(cart: &Cart, json: bool) {
    if json {
        print_json(cart);
        return;
    }
    let currency = cart
        .currency
        .as_ref()
        .and_then(|c| c.code.as_deref())
        .unwrap_or("");
    println!(
        "cart {}  customer {}  {currency}  version {}",
        cart.id.as_deref().unwrap_or("?"),
        cart.customer_id.unwrap_or(0),
        cart.version.map(|v| v.to_string()).unwrap_or_default()
    );
    let items = cart.line_items.clone().unwrap_or_default();
    let line = |kind: &str,
                id: &Option<String>,
                name: &Option<String>,
                sku: &Option<String>,
                qty: Option<i64>,
                list: Option<f64>,
                ext: Option<f64>| {
        println!(
            "  {kind:<8} {:<36}  {} ({})  x{}  @{} = {}",
            id.as_deref().unwrap_or("?"),
            name.as_deref().unwrap_or("?"),
            sku.as_deref().unwrap_or("-"),
            qty.unwrap_or(0),
            amount(list),
            amount(ext)
        );
    };
    for i in &items.physical_items {
        line(
            "physical",
            &i.id,
            &i.name,
            &i.sku,
            i.quantity,
            i.list_price,
            i.extended_sale_price,
        );
        for o in &i.options {
            println!(
                "           {}: {}",
                o.name.as_deref().unwrap_or("?"),
                o.value.as_deref().unwrap_or("?")
            );
        }
    }
    for i in &items.digital_items {
        line(
            "digital",
            &i.id,
            &i.name,
            &i.sku,
            i.quantity,
            i.list_price,
            i.extended_sale_price,
        );
    }
    for g in &items.gift_certificates {
        let name = Some(format!(
            "{} ({})",
            g.name.as_deref().unwrap_or("gift certificate"),
            g.theme.as_deref().unwrap_or("-")
        ));
        let total = g.amount.map(|a| a * g.quantity.unwrap_or(1) as f64);
        line("gift", &g.id, &name, &None, g.quantity, g.amount, total);
    }
    for c in &cart.coupons {
        println!(
            "  coupon   {}  -{}",
            c.code.as_deref().unwrap_or("?"),
            amount(c.discounted_amount)
        );
    }
    let item_discounts: f64 = items
        .physical_items
        .iter()
        .filter_map(|i| i.discount_amount)
        .chain(items.digital_items.iter().filter_map(|i| i.discount_amount))
        .sum();
    let coupons: f64 = cart
        .coupons
        .iter()
        .filter_map(|c| c.discounted_amount)
        .sum();
    println!(
        "  base {}  item discounts {}  cart discounts {}  coupons {}  total {}",
        amount(cart.base_amount),
        amount(Some(item_discounts)),
        amount(cart.discount_amount),
        amount(Some(coupons)),
        amount(cart.cart_amount)
    );
    if let Some(urls) = &cart.redirect_urls
        && let Some(url) = &urls.checkout_url
    {
        println!("  checkout {url}");
    }
}

/// A secret from a file, or from stdin for `-`, without its trailing line break. The message of
/// a failure names the file, never what it holds.
fn read_secret(path: &str) -> Result<String, Failure> {
    use std::io::Read;
    let mut text = String::new();
    let read = if path == "-" {
        std::io::stdin().read_to_string(&mut text).map(drop)
    } else {
        std::fs::File::open(path).and_then(|mut f| f.read_to_string(&mut text).map(drop))
    };
    read.map_err(|e| usage(format!("could not read the token from {path}: {e}")))?;
    let token = text.trim_end_matches(['\r', '\n']).to_string();
    if token.is_empty() {
        return Err(usage(format!("the token file {path} is empty")));
    }
    Ok(token)
}
