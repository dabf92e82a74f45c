//! What a listing page tells crawlers and link previews: absolute URLs, the
//! schema.org JSON-LD document and the OpenStreetMap link.

use serde_json::{Value, json};

use crate::model::listing::ListingDetail;

/// `path_or_url` made absolute against `site_url` (imported photos already are).
pub fn absolute_url(site_url: &str, path_or_url: &str) -> String {
    if path_or_url.starts_with("http://") || path_or_url.starts_with("https://") {
        path_or_url.to_owned()
    } else {
        format!("{site_url}/{}", path_or_url.trim_start_matches('/'))
    }
}

/// The canonical address of a listing page.
pub fn canonical_url(site_url: &str, detail: &ListingDetail) -> String {
    format!("{site_url}/properties/{}", detail.summary.slug)
}

/// The first `max` characters of a description on one line, for previews.
pub fn summary_text(description: &str, max: usize) -> String {
    let flat = description.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        return flat;
    }
    let cut: String = flat.chars().take(max.saturating_sub(1)).collect();
    format!("{}…", cut.trim_end())
}

/// A link to the spot on OpenStreetMap, when both coordinates are known.
pub fn map_link(latitude: Option<f64>, longitude: Option<f64>) -> Option<String> {
    let (lat, lon) = (latitude?, longitude?);
    let valid = lat.is_finite() && lon.is_finite() && lat.abs() <= 90.0 && lon.abs() <= 180.0;
    valid.then(|| format!("https://www.openstreetmap.org/?mlat={lat:.6}&mlon={lon:.6}#map=16/{lat:.6}/{lon:.6}"))
}

/// schema.org's type for a property type.
fn accommodation_type(property_type: &str) -> &'static str {
    match property_type {
        "apartment" | "studio" | "loft" => "Apartment",
        "house" => "House",
        "room" => "Room",
        _ => "Accommodation",
    }
}

/// UN/CEFACT code and label of a price unit.
fn unit_code(price_unit: &str) -> (&'static str, &'static str) {
    match price_unit {
        "hour" => ("HUR", "hour"),
        "day" => ("DAY", "day"),
        "week" => ("WEE", "week"),
        _ => ("MON", "month"),
    }
}

/// The listing as a schema.org `Offer` of an `Accommodation`.
pub fn json_ld(site_url: &str, detail: &ListingDetail) -> Value {
    let s = &detail.summary;
    let (code, unit) = unit_code(&s.price_unit);
    let price = s.price.decimal();
    let currency = s.price.currency.as_str();
    let mut place = json!({
        "@type": accommodation_type(&s.property_type),
        "name": s.title,
        "address": {
            "@type": "PostalAddress",
            "streetAddress": detail.address_line,
            "postalCode": detail.postal_code,
            "addressLocality": s.city,
            "addressCountry": detail.country,
        },
    });
    // What the source does not say is left out, never published as 0.
    if let Some(bedrooms) = s.bedrooms {
        place["numberOfRooms"] = json!(bedrooms.max(1));
        place["numberOfBedrooms"] = json!(bedrooms);
    }
    if let Some(bathrooms) = detail.bathrooms {
        place["numberOfBathroomsTotal"] = json!(bathrooms);
    }
    if let Some(capacity) = detail.capacity {
        place["occupancy"] = json!({ "@type": "QuantitativeValue", "maxValue": capacity });
    }
    if let Some(url) = &detail.source_url {
        place["sameAs"] = json!(url);
    }
    if let Some(area) = detail.area_m2 {
        place["floorSize"] = json!({ "@type": "QuantitativeValue", "value": area, "unitCode": "MTK" });
    }
    if let (Some(lat), Some(lon)) = (detail.latitude, detail.longitude) {
        place["geo"] = json!({ "@type": "GeoCoordinates", "latitude": lat, "longitude": lon });
    }
    let mut offer = json!({
        "@context": "https://schema.org",
        "@type": "Offer",
        "name": s.title,
        "description": summary_text(&detail.description, 500),
        "url": canonical_url(site_url, detail),
        "image": detail.photos.iter().map(|p| absolute_url(site_url, &p.url)).collect::<Vec<_>>(),
        "price": price,
        "priceCurrency": currency,
        "priceSpecification": {
            "@type": "UnitPriceSpecification",
            "price": price,
            "priceCurrency": currency,
            "unitCode": code,
            "unitText": unit,
        },
        "businessFunction": "http://purl.org/goodrelations/v1#LeaseOut",
        "availability": "https://schema.org/InStock",
        "itemOffered": place,
    });
    if let Some(from) = detail.available_from {
        offer["availabilityStarts"] = json!(from.to_string());
    }
    offer
}

/// JSON for the inside of a `<script>` element: `<`, `>` and `&` become
/// `\u003c`, `\u003e` and `\u0026` (the same JSON value), so no text in it
/// can close the element or open a comment.
pub fn script_safe_json(value: &Value) -> String {
    let text = value.to_string();
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_safe_json_cannot_close_the_script_and_parses_back() {
        let value = json!({ "name": "</script><script>alert(1)</script> <!-- & \u{2028}" });
        let safe = script_safe_json(&value);
        assert!(!safe.contains('<') && !safe.contains('>') && !safe.contains('&'));
        assert_eq!(serde_json::from_str::<Value>(&safe).unwrap(), value);
    }

    #[test]
    fn urls_are_made_absolute_and_map_links_need_both_coordinates() {
        assert_eq!(absolute_url("https://homes.example", "/photos/a.svg"), "https://homes.example/photos/a.svg");
        assert_eq!(absolute_url("https://homes.example", "https://cdn.example/a.jpg"), "https://cdn.example/a.jpg");
        assert_eq!(
            map_link(Some(48.8697174), Some(2.3509855)).unwrap(),
            "https://www.openstreetmap.org/?mlat=48.869717&mlon=2.350986#map=16/48.869717/2.350986"
        );
        assert!(map_link(Some(48.8), None).is_none());
        assert!(map_link(Some(f64::NAN), Some(2.0)).is_none());
    }

    #[test]
    fn previews_are_cut_on_one_line() {
        assert_eq!(summary_text("Bright\n\nand   quiet.", 100), "Bright and quiet.");
        assert_eq!(summary_text("abcdefghij", 5), "abcd…");
    }
}
