//! Image URLs at the size you need. Big Cartel resizes images on its image host from query
//! parameters (`?auto=format&fit=max&w=..&h=..`), as seen on the URLs the API returns.

/// How a resized image fits its box.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fit {
    /// Scale down to fit within the box, keeping the aspect ratio.
    Max,
    /// Fill the box, cropping what overflows.
    Crop,
}

/// Returns `url` asking for an image at most `width` x `height` pixels (0 leaves a side free),
/// in the best format the client accepts. Existing resize parameters are replaced; any other
/// query parameters are kept.
///
/// ```
/// use bigcartel::image::{resized, Fit};
/// let url = "https://images.bigcartel.com/product_images/123/tee.jpg";
/// assert_eq!(resized(url, 300, 0, Fit::Max), format!("{url}?auto=format&fit=max&w=300"));
/// assert_eq!(
///     resized(&format!("{url}?w=10&v=2"), 50, 50, Fit::Crop),
///     format!("{url}?v=2&auto=format&fit=crop&w=50&h=50")
/// );
/// ```
pub fn resized(url: &str, width: u32, height: u32, fit: Fit) -> String {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let (base, fragment) = match base.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (base, None),
    };
    let mut params: Vec<&str> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .filter(|p| !matches!(p.split('=').next(), Some("auto" | "fit" | "w" | "h")))
        .collect();
    let fit = match fit {
        Fit::Max => "fit=max",
        Fit::Crop => "fit=crop",
    };
    let w = format!("w={width}");
    let h = format!("h={height}");
    params.push("auto=format");
    params.push(fit);
    if width > 0 {
        params.push(&w);
    }
    if height > 0 {
        params.push(&h);
    }
    let mut out = format!("{base}?{}", params.join("&"));
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(f);
    }
    out
}
