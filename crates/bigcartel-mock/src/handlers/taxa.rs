//! Artists and categories (both "taxa": a name, a permalink, a position): list, get, create,
//! update, delete and reposition.

// The handlers' shared imports and helpers come from the parent module.
use super::*;

pub(super) fn taxa<'s>(store: &'s Store, kind: &str) -> &'s std::collections::BTreeMap<u64, Taxon> {
    if kind == "artists" {
        &store.artists
    } else {
        &store.categories
    }
}

pub(super) fn taxa_mut<'s>(
    store: &'s mut Store,
    kind: &str,
) -> &'s mut std::collections::BTreeMap<u64, Taxon> {
    if kind == "artists" {
        &mut store.artists
    } else {
        &mut store.categories
    }
}

pub(super) fn singular(kind: &str) -> &'static str {
    match kind {
        "artists" => "Artist",
        "categories" => "Category",
        "products" => "Product",
        _ => "Resource",
    }
}

pub(super) fn list_taxa(store: &Store, kind: &str, ctx: &Ctx) -> Outcome {
    let list = if kind == "artists" {
        store.artists()
    } else {
        store.categories()
    };
    let data: Vec<Value> = list.iter().map(|t| jsonapi::taxon(kind, t, ctx)).collect();
    Outcome::read(Reply::doc(200, json!({ "data": data })))
}

pub(super) fn get_taxon(store: &Store, kind: &str, call: &Call, ctx: &Ctx) -> R<Outcome> {
    let id = path_id(call, &kind[..kind.len() - 1])?;
    let t = taxa(store, kind)
        .get(&id)
        .ok_or_else(|| ApiError::not_found(format!("{} {id} not found.", singular(kind))))?;
    Ok(Outcome::read(Reply::doc(
        200,
        json!({ "data": jsonapi::taxon(kind, t, ctx) }),
    )))
}

pub(super) fn create_taxon(
    store: &mut Store,
    kind: &'static str,
    call: &Call,
    ctx: &Ctx,
) -> R<Outcome> {
    let doc = parse_body(call)?;
    let data = data_object(&doc, kind, None)?;
    let name = attributes(data, &["name"])?
        .and_then(|a| a.get("name"))
        .ok_or_else(|| ApiError::invalid("/data/attributes/name", "`name` is required."))?;
    let name = non_empty_string("name", name, 255)?;
    let id = store.next_id(kind);
    let map = taxa_mut(store, kind);
    let permalink = Store::unique_permalink(&name, map.values().map(|t| t.permalink.as_str()));
    let position = map.values().map(|t| t.position).max().unwrap_or(0) + 1;
    let t = Taxon {
        id,
        name,
        permalink,
        position,
    };
    let body = json!({ "data": jsonapi::taxon(kind, &t, ctx) });
    map.insert(id, t);
    store.tick();
    let mut reply = Reply::doc(201, body);
    reply.location = Some(format!("{}/{kind}/{id}", ctx.account_url()));
    Ok(Outcome {
        reply,
        effects: vec![write(kind, WriteKind::Create)],
    })
}

pub(super) fn update_taxon(
    store: &mut Store,
    kind: &'static str,
    call: &Call,
    ctx: &Ctx,
) -> R<Outcome> {
    let id = path_id(call, &kind[..kind.len() - 1])?;
    if !taxa(store, kind).contains_key(&id) {
        return Err(ApiError::not_found(format!(
            "{} {id} not found.",
            singular(kind)
        )));
    }
    let doc = parse_body(call)?;
    let data = data_object(&doc, kind, Some(id))?;
    let name = match attributes(data, &["name"])?.and_then(|a| a.get("name")) {
        None | Some(Value::Null) => None,
        Some(v) => Some(non_empty_string("name", v, 255)?),
    };
    let map = taxa_mut(store, kind);
    if let Some(name) = name {
        let permalink = Store::unique_permalink(
            &name,
            map.values()
                .filter(|t| t.id != id)
                .map(|t| t.permalink.as_str()),
        );
        if let Some(t) = map.get_mut(&id) {
            t.name = name;
            t.permalink = permalink;
        }
    }
    let body = map
        .get(&id)
        .map(|t| json!({ "data": jsonapi::taxon(kind, t, ctx) }))
        .unwrap_or(Value::Null);
    store.tick();
    Ok(Outcome {
        reply: Reply::doc(200, body),
        effects: vec![write(kind, WriteKind::Update)],
    })
}

pub(super) fn delete_taxon(store: &mut Store, kind: &'static str, call: &Call) -> R<Outcome> {
    let id = path_id(call, &kind[..kind.len() - 1])?;
    taxa_mut(store, kind)
        .remove(&id)
        .ok_or_else(|| ApiError::not_found(format!("{} {id} not found.", singular(kind))))?;
    for p in store.products.values_mut() {
        if kind == "artists" {
            p.artist_ids.retain(|a| *a != id);
        } else {
            p.category_ids.retain(|c| *c != id);
        }
    }
    if kind == "categories" {
        for d in store.discounts.values_mut() {
            d.category_ids.retain(|c| *c != id);
        }
    }
    // Positions close the gap.
    let mut rest: Vec<(i64, u64)> = taxa(store, kind)
        .values()
        .map(|t| (t.position, t.id))
        .collect();
    rest.sort_unstable();
    let map = taxa_mut(store, kind);
    for (pos, (_, tid)) in rest.into_iter().enumerate() {
        if let Some(t) = map.get_mut(&tid) {
            t.position = pos as i64 + 1;
        }
    }
    store.tick();
    Ok(Outcome {
        reply: Reply::no_content(),
        effects: vec![write(kind, WriteKind::Delete)],
    })
}

pub(super) fn reposition(store: &mut Store, kind: &'static str, call: &Call) -> R<Outcome> {
    let doc = parse_body(call)?;
    if !doc.is_object() {
        return Err(ApiError::invalid(
            "",
            "The request body must be a JSON object.",
        ));
    }
    let ids = linkage_ids(&doc, kind, "/data")?;
    let existing: Vec<(i64, u64)> = match kind {
        "products" => store
            .products
            .values()
            .map(|p| (p.position, p.id))
            .collect(),
        _ => taxa(store, kind)
            .values()
            .map(|t| (t.position, t.id))
            .collect(),
    };
    for id in &ids {
        if !existing.iter().any(|(_, e)| e == id) {
            return Err(ApiError::not_found(format!(
                "{} {id} not found.",
                singular(kind)
            )));
        }
    }
    let mut rest: Vec<(i64, u64)> = existing
        .into_iter()
        .filter(|(_, id)| !ids.contains(id))
        .collect();
    rest.sort_unstable();
    let order: Vec<u64> = ids
        .iter()
        .copied()
        .chain(rest.into_iter().map(|(_, id)| id))
        .collect();
    for (pos, id) in order.into_iter().enumerate() {
        let pos = pos as i64 + 1;
        match kind {
            "products" => {
                if let Some(p) = store.products.get_mut(&id) {
                    p.position = pos;
                }
            }
            _ => {
                if let Some(t) = taxa_mut(store, kind).get_mut(&id) {
                    t.position = pos;
                }
            }
        }
    }
    store.tick();
    Ok(Outcome {
        reply: Reply::no_content(),
        effects: vec![write(kind, WriteKind::Reposition)],
    })
}
