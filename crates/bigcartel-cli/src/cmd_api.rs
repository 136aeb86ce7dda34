//! `bigcartel api <operation>`: every operation of the spec as a command, every query parameter,
//! request attribute and relationship as a flag.
//!
//! Why built at run time: the commands come from the spec tables the generator writes
//! (`bigcartel::dynamic::OPERATIONS`), so a spec edit plus `cargo xtask codegen` adds its
//! commands and flags with no edit here (the spec-change drill checks it). Arguments go through
//! the core's table-driven request path (`Client::call`): the same checks against the spec,
//! retries, errors and resolved JSON as every other surface. Nothing about an operation is
//! written here, only how table rows become clap arguments.

use crate::context::Global;
use crate::{Failure, Outcome};
use bigcartel::dynamic::{self, Args, BodySchema, Kind, OperationSchema, Output};
use clap::{Arg, ArgAction, ArgMatches, Command};
use futures::TryStreamExt;
use serde_json::{Map, Value};

/// `listOrders` → `list-orders`; `filter_status` → `filter-status`.
fn kebab(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
        } else if c == '_' || c == '.' {
            out.push('-');
        } else {
            out.push(c);
        }
    }
    out
}

fn kind_text(kind: &Kind) -> &'static str {
    match kind {
        Kind::String => "text",
        Kind::Decimal => "a decimal such as 20.00",
        Kind::Int => "an integer",
        Kind::Bool => "true or false",
        Kind::StringList => "a comma-separated list",
    }
}

/// The heading the operation's own flags are listed under, apart from the global ones.
const HEADING: &str = "Request";

/// Where a flag's value goes in the core's arguments.
enum Slot {
    /// `params`, under the query parameter's field name.
    Param(&'static str),
    /// `input`, under the attribute's wire name.
    Attribute(&'static str),
    /// `relationships`, under the relationship's name.
    Relationship(&'static str),
    /// `ids` (reposition).
    Ids,
}

/// One request flag of an operation, made from a row of its tables.
struct Flag {
    id: String,
    slot: Slot,
    kind: Kind,
    required: bool,
    help: String,
}

/// An operation's request flags: its query parameters, attributes, relationships or ids. The one
/// mapping from table rows to flags, for building the command and for reading its matches.
fn flags(op: &OperationSchema) -> Vec<Flag> {
    let mut out: Vec<Flag> = op
        .query
        .iter()
        .map(|q| Flag {
            id: kebab(q.field),
            slot: Slot::Param(q.field),
            kind: q.kind,
            required: false,
            help: format!("`{}` ({})", q.wire_name, kind_text(&q.kind)),
        })
        .collect();
    match &op.body {
        BodySchema::None => {}
        BodySchema::Resource {
            input,
            relationships,
            ..
        } => {
            out.extend(input.iter().map(|f| Flag {
                id: kebab(f.name),
                slot: Slot::Attribute(f.name),
                kind: f.kind,
                required: f.required,
                help: format!("the `{}` attribute ({})", f.name, kind_text(&f.kind)),
            }));
            out.extend(
                relationships
                    .unwrap_or(&[])
                    .iter()
                    .map(|(name, wire_type)| Flag {
                        id: kebab(name),
                        slot: Slot::Relationship(name),
                        kind: Kind::StringList,
                        required: false,
                        help: format!(
                            "the `{name}` relationship: {wire_type} ids, comma-separated"
                        ),
                    }),
            );
        }
        BodySchema::Identifiers { wire_type } => out.push(Flag {
            id: "ids".into(),
            slot: Slot::Ids,
            kind: Kind::StringList,
            required: true,
            help: format!("the {wire_type} ids in their new order, comma-separated"),
        }),
    }
    out
}

impl Flag {
    /// The clap option, parsed the way the core expects the value.
    fn arg(&self) -> Arg {
        let arg = Arg::new(self.id.clone())
            .long(self.id.clone())
            .help(self.help.clone())
            .help_heading(HEADING)
            .required(self.required);
        let list = |arg: Arg, name| {
            arg.value_name(name)
                .value_delimiter(',')
                .action(ArgAction::Append)
        };
        match (&self.slot, self.kind) {
            (Slot::Relationship(_) | Slot::Ids, _) => list(arg, "IDS"),
            (_, Kind::StringList) => list(arg, "LIST"),
            (_, Kind::Int) => arg.value_name("INT").value_parser(clap::value_parser!(i64)),
            (_, Kind::Bool) => arg
                .value_name("BOOL")
                .value_parser(clap::value_parser!(bool)),
            (_, Kind::Decimal) => arg.value_name("DECIMAL"),
            (_, Kind::String) => arg.value_name("TEXT"),
        }
    }

    /// The flag's value in `m`, as the JSON the core checks.
    fn value(&self, m: &ArgMatches) -> Option<Value> {
        let id = self.id.as_str();
        match self.kind {
            Kind::Int => m.get_one::<i64>(id).map(|v| Value::from(*v)),
            Kind::Bool => m.get_one::<bool>(id).map(|v| Value::from(*v)),
            Kind::StringList => m
                .get_many::<String>(id)
                .map(|v| Value::from(v.cloned().collect::<Vec<_>>())),
            Kind::String | Kind::Decimal => m.get_one::<String>(id).map(|v| Value::from(v.clone())),
        }
    }
}

/// The command of one operation.
fn operation_command(op: &OperationSchema) -> Command {
    let o = &op.operation;
    let mut cmd = Command::new(kebab(o.id))
        .about(format!("{} {} ({})", o.method, o.path, o.id))
        .long_about(format!(
            "{} {} (operationId {}). Prints the resolved JSON the client returns.",
            o.method, o.path, o.id
        ));
    for p in op.path_params {
        cmd = cmd.arg(
            Arg::new(p.to_string())
                .required(true)
                .value_name(p.to_ascii_uppercase())
                .help(format!("`{{{p}}}` in the path")),
        );
    }
    cmd = cmd.args(flags(op).iter().map(Flag::arg));
    if op.paged {
        cmd = cmd.arg(
            Arg::new("all")
                .long("all")
                .help_heading(HEADING)
                .action(ArgAction::SetTrue)
                .help("Every page, as one JSON array (page[limit] sets the page size)"),
        );
    }
    cmd
}

/// The `api` command: one subcommand per operation of the spec.
pub fn command() -> Command {
    Command::new("api")
        .about("Any operation of the API by its operationId, with every parameter as a flag")
        .long_about(
            "Any operation of the API by its operationId (kebab-case: list-orders), with every \
             query parameter, attribute and relationship of the spec as a flag. Prints the \
             resolved JSON.",
        )
        .subcommand_required(true)
        .subcommands(dynamic::OPERATIONS.iter().map(operation_command))
}

/// An operation's arguments from its command's matches.
pub fn args_of(op: &OperationSchema, m: &ArgMatches) -> Args {
    let mut args = Args {
        path: op
            .path_params
            .iter()
            .filter_map(|p| m.get_one::<String>(p).cloned())
            .collect(),
        ..Args::default()
    };
    let (mut params, mut input, mut relationships) = (Map::new(), Map::new(), Map::new());
    for flag in flags(op) {
        let Some(value) = flag.value(m) else {
            continue;
        };
        match flag.slot {
            Slot::Param(key) => params.insert(key.to_string(), value),
            Slot::Attribute(key) => input.insert(key.to_string(), value),
            Slot::Relationship(key) => relationships.insert(key.to_string(), value),
            Slot::Ids => args.ids.replace(value),
        };
    }
    let object = |map: Map<String, Value>| (!map.is_empty()).then_some(Value::Object(map));
    args.params = object(params);
    args.input = object(input);
    args.relationships = object(relationships);
    args
}

/// Runs `bigcartel api <operation> ...`.
pub async fn run(g: &Global, m: &ArgMatches) -> Outcome {
    let Some((name, sub)) = m.subcommand() else {
        return Err(Failure::Usage(
            "name an operation: bigcartel api --help".into(),
        ));
    };
    let op = dynamic::OPERATIONS
        .iter()
        .find(|op| kebab(op.operation.id) == name)
        .ok_or_else(|| Failure::Usage(format!("no operation `{name}`")))?;
    let args = args_of(op, sub);
    // Checked before any credentials are read or anything is sent.
    dynamic::check(op, &args).map_err(|e| Failure::Usage(e.to_string()))?;
    let client = g.client()?;
    let text = if op.paged && sub.get_flag("all") {
        let mut options = bigcartel::PageOptions::default();
        if let Some(&limit) = sub.get_one::<i64>(&kebab("page_limit")) {
            options.page_size = limit;
        }
        let items: Vec<String> = dynamic::call_stream(&client, op, args, options)?
            .try_collect()
            .await?;
        format!("[{}]", items.join(","))
    } else {
        match client.call(op, &args).await? {
            Output::Nothing => return Ok(()),
            other => other.into_json(),
        }
    };
    println!("{text}");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn help(path: &[&str]) -> String {
        let mut cmd = command();
        let mut at = &mut cmd;
        for name in path {
            at = at
                .find_subcommand_mut(name)
                .unwrap_or_else(|| panic!("no `{name}`"));
        }
        at.render_long_help().to_string()
    }

    /// Every operation of the spec tables is a command, and each of its query parameters,
    /// attributes and relationships a flag in its help.
    #[test]
    fn every_operation_and_parameter_of_the_spec_is_reachable() {
        command().debug_assert();
        assert!(dynamic::OPERATIONS.len() > 20);
        for op in dynamic::OPERATIONS {
            let name = kebab(op.operation.id);
            let text = help(&[&name]);
            let mut flags: Vec<String> = op.query.iter().map(|q| kebab(q.field)).collect();
            if let BodySchema::Resource {
                input,
                relationships,
                ..
            } = &op.body
            {
                flags.extend(input.iter().map(|f| kebab(f.name)));
                flags.extend(relationships.unwrap_or(&[]).iter().map(|(n, _)| kebab(n)));
            }
            for flag in flags {
                assert!(
                    text.contains(&format!("--{flag}")),
                    "{name} lacks --{flag}:\n{text}"
                );
            }
        }
        // Flags a spec edit should bring, as `command --flag` lines (the spec-change drill sets
        // them for its edit); without it, ones of today's spec.
        let expected = std::env::var("BIGCARTEL_CLI_EXPECT").unwrap_or_else(|_| {
            "list-orders --filter-shipping-status\nupdate-order --shipping-status".into()
        });
        for line in expected.lines().filter(|l| !l.trim().is_empty()) {
            let mut words = line.split_whitespace();
            let command = words.next().unwrap_or_default();
            let text = help(&[command]);
            for flag in words {
                assert!(
                    text.contains(flag),
                    "`bigcartel api {command} --help` lacks {flag}:\n{text}"
                );
            }
        }
    }

    #[test]
    fn flags_become_the_arguments_the_core_checks() {
        let m = command()
            .try_get_matches_from([
                "api",
                "list-orders",
                "--filter-shipping-status",
                "unshipped",
                "--page-limit",
                "2",
            ])
            .unwrap();
        let (name, sub) = m.subcommand().unwrap();
        let op = dynamic::operation("listOrders").unwrap();
        assert_eq!(name, "list-orders");
        let args = args_of(op, sub);
        assert_eq!(
            args.params,
            Some(serde_json::json!({"filter_shipping_status": "unshipped", "page_limit": 2}))
        );
        dynamic::check(op, &args).unwrap();
        // A wrong type is refused by clap before the core sees it.
        assert!(
            command()
                .try_get_matches_from(["api", "list-orders", "--page-limit", "two"])
                .is_err()
        );
    }

    #[test]
    fn names_are_kebab_case() {
        assert_eq!(kebab("listOrders"), "list-orders");
        assert_eq!(kebab("filter_shipping_status"), "filter-shipping-status");
        assert_eq!(kebab("getFeaturedArtist"), "get-featured-artist");
    }
}
