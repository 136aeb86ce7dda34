//! The API operations (named by their OpenAPI `operationId`) and routing.

use axum::http::Method;

/// One API operation of `spec/bigcartel.v1.yaml`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[allow(missing_docs)]
pub enum Operation {
    ListAccounts,
    GetAccount,
    ListArtists,
    GetArtist,
    CreateArtist,
    UpdateArtist,
    DeleteArtist,
    RepositionArtists,
    ListCategories,
    GetCategory,
    CreateCategory,
    UpdateCategory,
    DeleteCategory,
    RepositionCategories,
    ListCountries,
    ListDiscounts,
    GetDiscount,
    CreateDiscount,
    UpdateDiscount,
    DeleteDiscount,
    ListOrders,
    GetOrder,
    UpdateOrder,
    ListProducts,
    GetProduct,
    RepositionProducts,
    CreateToken,
    Deauthorize,
}

use Operation::*;

impl Operation {
    /// Every operation, in spec order.
    pub const ALL: [Operation; 28] = [
        ListAccounts,
        GetAccount,
        ListArtists,
        GetArtist,
        CreateArtist,
        UpdateArtist,
        DeleteArtist,
        RepositionArtists,
        ListCategories,
        GetCategory,
        CreateCategory,
        UpdateCategory,
        DeleteCategory,
        RepositionCategories,
        ListCountries,
        ListDiscounts,
        GetDiscount,
        CreateDiscount,
        UpdateDiscount,
        DeleteDiscount,
        ListOrders,
        GetOrder,
        UpdateOrder,
        ListProducts,
        GetProduct,
        RepositionProducts,
        CreateToken,
        Deauthorize,
    ];

    /// The OpenAPI `operationId`, e.g. `"createArtist"`.
    pub fn id(self) -> &'static str {
        match self {
            ListAccounts => "listAccounts",
            GetAccount => "getAccount",
            ListArtists => "listArtists",
            GetArtist => "getArtist",
            CreateArtist => "createArtist",
            UpdateArtist => "updateArtist",
            DeleteArtist => "deleteArtist",
            RepositionArtists => "repositionArtists",
            ListCategories => "listCategories",
            GetCategory => "getCategory",
            CreateCategory => "createCategory",
            UpdateCategory => "updateCategory",
            DeleteCategory => "deleteCategory",
            RepositionCategories => "repositionCategories",
            ListCountries => "listCountries",
            ListDiscounts => "listDiscounts",
            GetDiscount => "getDiscount",
            CreateDiscount => "createDiscount",
            UpdateDiscount => "updateDiscount",
            DeleteDiscount => "deleteDiscount",
            ListOrders => "listOrders",
            GetOrder => "getOrder",
            UpdateOrder => "updateOrder",
            ListProducts => "listProducts",
            GetProduct => "getProduct",
            RepositionProducts => "repositionProducts",
            CreateToken => "createToken",
            Deauthorize => "deauthorize",
        }
    }

    /// Looks an operation up by its `operationId`.
    pub fn from_id(id: &str) -> Option<Operation> {
        Self::ALL.into_iter().find(|op| op.id() == id)
    }

    /// The HTTP method.
    pub fn method(self) -> Method {
        match self {
            CreateArtist | CreateCategory | CreateDiscount | CreateToken | Deauthorize => {
                Method::POST
            }
            UpdateArtist | RepositionArtists | UpdateCategory | RepositionCategories
            | UpdateDiscount | UpdateOrder | RepositionProducts => Method::PATCH,
            DeleteArtist | DeleteCategory | DeleteDiscount => Method::DELETE,
            _ => Method::GET,
        }
    }

    /// The path template as written in the spec.
    pub fn path(self) -> &'static str {
        match self {
            ListAccounts => "/v1/accounts",
            GetAccount => "/v1/accounts/{account_id}",
            ListArtists | CreateArtist => "/v1/accounts/{account_id}/artists",
            GetArtist | UpdateArtist | DeleteArtist => {
                "/v1/accounts/{account_id}/artists/{artist_id}"
            }
            RepositionArtists => "/v1/accounts/{account_id}/relationships/artists",
            ListCategories | CreateCategory => "/v1/accounts/{account_id}/categories",
            GetCategory | UpdateCategory | DeleteCategory => {
                "/v1/accounts/{account_id}/categories/{category_id}"
            }
            RepositionCategories => "/v1/accounts/{account_id}/relationships/categories",
            ListCountries => "/v1/countries",
            ListDiscounts | CreateDiscount => "/v1/accounts/{account_id}/discounts",
            GetDiscount | UpdateDiscount | DeleteDiscount => {
                "/v1/accounts/{account_id}/discounts/{discount_id}"
            }
            ListOrders => "/v1/accounts/{account_id}/orders",
            GetOrder | UpdateOrder => "/v1/accounts/{account_id}/orders/{order_id}",
            ListProducts => "/v1/accounts/{account_id}/products",
            GetProduct => "/v1/accounts/{account_id}/products/{product_id}",
            RepositionProducts => "/v1/accounts/{account_id}/relationships/products",
            CreateToken => "/oauth/token",
            Deauthorize => "/oauth/deauthorize/{account_id}",
        }
    }

    /// Whether the operation changes state (POST, PATCH, DELETE).
    pub fn is_write(self) -> bool {
        self.method() != Method::GET
    }

    /// Whether the operation speaks JSON:API (everything but `/oauth/*`).
    pub fn is_jsonapi(self) -> bool {
        !matches!(self, CreateToken | Deauthorize)
    }

    /// Whether the response `data` is a list.
    pub fn is_list(self) -> bool {
        matches!(
            self,
            ListAccounts
                | ListArtists
                | ListCategories
                | ListCountries
                | ListDiscounts
                | ListOrders
                | ListProducts
        )
    }
}

impl std::fmt::Display for Operation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

/// A routed request: the operation and its raw path parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// The operation.
    pub op: Operation,
    /// `{account_id}` as it appeared in the path.
    pub account_id: Option<String>,
    /// The resource id (`{artist_id}`, `{order_id}`, ...).
    pub id: Option<String>,
}

/// Why a request did not route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteError {
    /// No such path.
    NotFound,
    /// The path exists but not with this method; the allowed methods.
    MethodNotAllowed(Vec<Method>),
}

/// Routes a method and a path (without query string) to an operation.
pub fn route(method: &Method, path: &str) -> Result<Route, RouteError> {
    let segs: Vec<&str> = path.strip_prefix('/').unwrap_or(path).split('/').collect();
    let s = |i: usize| segs.get(i).map(|v| v.to_string());
    // (candidates by method, account param index, id param index)
    let candidates: Vec<Operation> = match segs.as_slice() {
        ["v1", "accounts"] => vec![ListAccounts],
        ["v1", "accounts", _] => vec![GetAccount],
        ["v1", "accounts", _, "artists"] => vec![ListArtists, CreateArtist],
        ["v1", "accounts", _, "artists", _] => vec![GetArtist, UpdateArtist, DeleteArtist],
        ["v1", "accounts", _, "categories"] => vec![ListCategories, CreateCategory],
        ["v1", "accounts", _, "categories", _] => {
            vec![GetCategory, UpdateCategory, DeleteCategory]
        }
        ["v1", "accounts", _, "discounts"] => vec![ListDiscounts, CreateDiscount],
        ["v1", "accounts", _, "discounts", _] => {
            vec![GetDiscount, UpdateDiscount, DeleteDiscount]
        }
        ["v1", "accounts", _, "orders"] => vec![ListOrders],
        ["v1", "accounts", _, "orders", _] => vec![GetOrder, UpdateOrder],
        ["v1", "accounts", _, "products"] => vec![ListProducts],
        ["v1", "accounts", _, "products", _] => vec![GetProduct],
        ["v1", "accounts", _, "relationships", "artists"] => vec![RepositionArtists],
        ["v1", "accounts", _, "relationships", "categories"] => vec![RepositionCategories],
        ["v1", "accounts", _, "relationships", "products"] => vec![RepositionProducts],
        ["v1", "countries"] => vec![ListCountries],
        ["oauth", "token"] => vec![CreateToken],
        ["oauth", "deauthorize", _] => vec![Deauthorize],
        _ => return Err(RouteError::NotFound),
    };
    if segs.iter().any(|seg| seg.is_empty()) {
        return Err(RouteError::NotFound);
    }
    let Some(op) = candidates.iter().copied().find(|op| op.method() == method) else {
        return Err(RouteError::MethodNotAllowed(
            candidates.iter().map(|op| op.method()).collect(),
        ));
    };
    let (account_id, id) = match segs.as_slice() {
        ["v1", "accounts", a] => (Some(a.to_string()), None),
        ["v1", "accounts", a, "relationships", _] => (Some(a.to_string()), None),
        ["v1", "accounts", a, _] => (Some(a.to_string()), None),
        ["v1", "accounts", a, _, _] => (Some(a.to_string()), s(4)),
        ["oauth", "deauthorize", a] => (Some(a.to_string()), None),
        _ => (None, None),
    };
    Ok(Route { op, account_id, id })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_every_operation_template() {
        for op in Operation::ALL {
            let path = op
                .path()
                .replace("{account_id}", "12345")
                .replace("{artist_id}", "7")
                .replace("{category_id}", "7")
                .replace("{discount_id}", "7")
                .replace("{order_id}", "7")
                .replace("{product_id}", "7");
            let r = route(&op.method(), &path).unwrap_or_else(|e| panic!("{op}: {e:?}"));
            assert_eq!(r.op, op);
            if op.path().contains("{account_id}") {
                assert_eq!(r.account_id.as_deref(), Some("12345"));
            }
            if op.path().ends_with("_id}") && !op.path().ends_with("{account_id}") {
                assert_eq!(r.id.as_deref(), Some("7"), "{op}");
            } else {
                assert_eq!(r.id, None, "{op}");
            }
            assert_eq!(Operation::from_id(op.id()), Some(op));
        }
    }

    #[test]
    fn unknown_paths_and_methods() {
        assert_eq!(
            route(&Method::GET, "/v2/accounts"),
            Err(RouteError::NotFound)
        );
        assert_eq!(
            route(&Method::GET, "/v1/accounts/1/"),
            Err(RouteError::NotFound)
        );
        assert_eq!(
            route(&Method::PUT, "/v1/accounts/1/orders/2"),
            Err(RouteError::MethodNotAllowed(vec![
                Method::GET,
                Method::PATCH
            ]))
        );
    }
}
