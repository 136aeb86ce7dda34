//! Products: the filtered, sorted list.

// The handlers' shared imports and helpers come from the parent module.
use super::*;

pub(super) fn list_products(store: &Store, call: &Call, ctx: &Ctx) -> R<Outcome> {
    check_filters(call, &["status", "category_id", "artist_id"])?;
    let statuses = comma_values(
        call,
        "filter[status]",
        &["active", "hidden", "sold_out", "coming_soon"],
    )?;
    let categories = comma_ids(call, "filter[category_id]")?;
    let artists = comma_ids(call, "filter[artist_id]")?;
    let (attr, desc) = sort_param(
        call,
        &["position", "created_at", "updated_at"],
        ("position", false),
    )?;
    let mut items: Vec<&Product> = store
        .products
        .values()
        .filter(|p| {
            statuses
                .as_ref()
                .is_none_or(|s| s.contains(&p.status.as_str()))
        })
        .filter(|p| {
            categories
                .as_ref()
                .is_none_or(|c| p.category_ids.iter().any(|id| c.contains(id)))
        })
        .filter(|p| {
            artists
                .as_ref()
                .is_none_or(|a| p.artist_ids.iter().any(|id| a.contains(id)))
        })
        .collect();
    items.sort_by_key(|p| {
        let k = match attr {
            "created_at" => p.created_at,
            "updated_at" => p.updated_at,
            _ => p.position,
        };
        (k, p.id)
    });
    if desc {
        items.reverse();
    }
    paginated(call, items, |p, inc| jsonapi::product(store, p, ctx, inc))
}
