//! The portal's search parameters, validated once from a URL's query.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::PageRequest;

/// How results are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SearchSort {
    /// Most recently published first (the default).
    Newest,
    /// Cheapest first.
    Price,
    /// Most expensive first.
    PriceDesc,
}

/// A validated search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchQuery {
    /// Words to find in the title, city or description.
    pub q: Option<String>,
    /// City, matched without regard to case.
    pub city: Option<String>,
    /// Lowest price, in minor units.
    pub min_price_minor: Option<i64>,
    /// Highest price, in minor units.
    pub max_price_minor: Option<i64>,
    /// At least this many bedrooms.
    pub bedrooms: Option<i32>,
    /// `apartment`, `house`, `studio`, `room`, `loft` or `other`.
    pub property_type: Option<String>,
    /// Available on this day (free from it or earlier).
    pub available_from: Option<NaiveDate>,
    /// `local` or `cocorico`.
    pub source: Option<String>,
    /// How results are ordered.
    pub sort: SearchSort,
    /// Which page of the results, and its size.
    pub page: PageRequest,
}

const TYPES: [&str; 6] = ["apartment", "house", "studio", "room", "loft", "other"];

impl SearchQuery {
    /// Validates the raw values of a URL; the message of an error names the parameter.
    pub fn parse(raw: &SearchParams, default_per_page: u32) -> Result<Self, String> {
        let get = |k: &str| raw.get(k).map(str::trim).filter(|v| !v.is_empty());
        let page = PageRequest::parse(get("page"), get("per_page"), default_per_page).map_err(|e| e.to_string())?;
        let price = |k: &str| -> Result<Option<i64>, String> {
            get(k)
                .map(|v| match v.parse::<i64>() {
                    Ok(n) if (0..=100_000_000).contains(&n) => Ok(n * 100),
                    _ => Err(format!("`{k}` must be a whole amount from 0 to 100000000 (got `{v}`)")),
                })
                .transpose()
        };
        let (min_price_minor, max_price_minor) = (price("min_price")?, price("max_price")?);
        if let (Some(lo), Some(hi)) = (min_price_minor, max_price_minor)
            && lo > hi
        {
            return Err("`min_price` must not be above `max_price`".into());
        }
        let bedrooms = get("bedrooms")
            .map(|v| match v.parse::<i32>() {
                Ok(n) if (0..=20).contains(&n) => Ok(n),
                _ => Err(format!("`bedrooms` must be a whole number from 0 to 20 (got `{v}`)")),
            })
            .transpose()?;
        let property_type = get("type")
            .map(|v| {
                if TYPES.contains(&v) {
                    Ok(v.to_owned())
                } else {
                    Err(format!("`type` must be one of {} (got `{v}`)", TYPES.join(", ")))
                }
            })
            .transpose()?;
        let available_from = get("available_from")
            .map(|v| {
                NaiveDate::parse_from_str(v, "%Y-%m-%d")
                    .map_err(|_| format!("`available_from` must be a date like 2026-12-01 (got `{v}`)"))
            })
            .transpose()?;
        let source = get("source")
            .map(|v| {
                if ["local", "cocorico"].contains(&v) {
                    Ok(v.to_owned())
                } else {
                    Err(format!("`source` must be `local` or `cocorico` (got `{v}`)"))
                }
            })
            .transpose()?;
        let sort = match get("sort") {
            None | Some("newest") => SearchSort::Newest,
            Some("price") => SearchSort::Price,
            Some("-price" | "price_desc") => SearchSort::PriceDesc,
            Some(v) => return Err(format!("`sort` must be `newest`, `price` or `price_desc` (got `{v}`)")),
        };
        let text = |k: &str| get(k).map(|v| v.chars().take(200).collect::<String>());
        Ok(Self {
            q: text("q"),
            city: text("city"),
            min_price_minor,
            max_price_minor,
            bedrooms,
            property_type,
            available_from,
            source,
            sort,
            page,
        })
    }

    /// The sort as the store's SQL names it.
    pub fn sort_key(&self) -> &'static str {
        match self.sort {
            SearchSort::Newest => "newest",
            SearchSort::Price => "price",
            SearchSort::PriceDesc => "price_desc",
        }
    }
}

/// The search form's raw values, exactly as a URL carries them: what the
/// form shows, what pagination links keep, and what [`SearchQuery::parse`]
/// validates. Empty values count as absent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchParams {
    /// Words to find, as typed.
    pub q: Option<String>,
    /// City, as typed.
    pub city: Option<String>,
    /// Lowest price, a whole amount in major units (e.g. `900`).
    pub min_price: Option<String>,
    /// Highest price, a whole amount in major units.
    pub max_price: Option<String>,
    /// Least number of bedrooms.
    pub bedrooms: Option<String>,
    /// `type` in the URL.
    pub property_type: Option<String>,
    /// A date like `2026-12-01`.
    pub available_from: Option<String>,
    /// `local` or `cocorico`.
    pub source: Option<String>,
    /// `newest`, `price` or `price_desc` (`-price` also accepted).
    pub sort: Option<String>,
    /// 1-based page number.
    pub page: Option<String>,
    /// Results per page.
    pub per_page: Option<String>,
}

impl SearchParams {
    /// The URL names of the filters (every parameter but the paging ones).
    pub const FILTERS: [&'static str; 9] =
        ["q", "city", "min_price", "max_price", "bedrooms", "type", "available_from", "source", "sort"];

    /// Reads every parameter through `get` (a URL's query map).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Self {
        let get = |k: &str| get(k).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        Self {
            q: get("q"),
            city: get("city"),
            min_price: get("min_price"),
            max_price: get("max_price"),
            bedrooms: get("bedrooms"),
            property_type: get("type"),
            available_from: get("available_from"),
            source: get("source"),
            sort: get("sort"),
            page: get("page"),
            per_page: get("per_page"),
        }
    }

    /// The value of the URL parameter `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        let value = match name {
            "q" => &self.q,
            "city" => &self.city,
            "min_price" => &self.min_price,
            "max_price" => &self.max_price,
            "bedrooms" => &self.bedrooms,
            "type" => &self.property_type,
            "available_from" => &self.available_from,
            "source" => &self.source,
            "sort" => &self.sort,
            "page" => &self.page,
            "per_page" => &self.per_page,
            _ => return None,
        };
        value.as_deref()
    }

    /// Whether any filter (not paging) is set.
    pub fn has_filters(&self) -> bool {
        Self::FILTERS.iter().any(|k| self.get(k).is_some())
    }

    /// The query string (without `?`) of these filters at page `page`: page 1
    /// is left out, so the first page has one address.
    pub fn query_for_page(&self, page: u32) -> String {
        let page = (page > 1).then(|| page.to_string());
        Self::FILTERS
            .iter()
            .filter_map(|k| self.get(k).map(|v| (*k, v)))
            .chain(page.as_deref().map(|p| ("page", p)))
            .chain(self.per_page.as_deref().map(|p| ("per_page", p)))
            .map(|(k, v)| format!("{k}={}", form_encode(v)))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// `/properties` with these filters at page `page`.
    pub fn properties_href(&self, page: u32) -> String {
        match self.query_for_page(page) {
            query if query.is_empty() => "/properties".to_owned(),
            query => format!("/properties?{query}"),
        }
    }
}

/// `application/x-www-form-urlencoded` encoding of one value, as a browser
/// encodes a GET form: unreserved bytes kept, space as `+`, the rest `%XX`.
pub fn form_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => out.push(byte as char),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(pairs: &[(&str, &str)]) -> Result<SearchQuery, String> {
        let params =
            SearchParams::from_lookup(|k| pairs.iter().find(|(name, _)| *name == k).map(|(_, v)| (*v).to_owned()));
        SearchQuery::parse(&params, 12)
    }

    #[test]
    fn an_empty_query_is_every_listing_newest_first() {
        let q = parse(&[]).unwrap();
        assert_eq!((q.sort, q.page.page, q.page.per_page), (SearchSort::Newest, 1, 12));
        assert!(q.q.is_none() && q.city.is_none());
    }

    #[test]
    fn filters_are_parsed_and_prices_become_minor_units() {
        let q = parse(&[
            ("q", " balcony "),
            ("city", "Lyon"),
            ("min_price", "500"),
            ("max_price", "1200"),
            ("bedrooms", "2"),
            ("type", "apartment"),
            ("available_from", "2026-12-01"),
            ("source", "local"),
            ("sort", "price"),
            ("per_page", "50"),
        ])
        .unwrap();
        assert_eq!(q.q.as_deref(), Some("balcony"));
        assert_eq!((q.min_price_minor, q.max_price_minor), (Some(50_000), Some(120_000)));
        assert_eq!(q.sort_key(), "price");
        assert_eq!(q.page.per_page, 50);
    }

    #[test]
    fn bad_values_are_refused_naming_the_parameter() {
        for (k, v) in [
            ("min_price", "cheap"),
            ("max_price", "-5"),
            ("bedrooms", "many"),
            ("type", "castle"),
            ("available_from", "tomorrow"),
            ("source", "ebay"),
            ("sort", "random"),
            ("per_page", "101"),
            ("page", "0"),
        ] {
            let err = parse(&[(k, v)]).unwrap_err();
            assert!(err.contains(&format!("`{k}`")), "{k}: {err}");
        }
        assert!(parse(&[("min_price", "900"), ("max_price", "100")]).is_err());
    }

    #[test]
    fn pagination_links_keep_the_filters_encoded_and_drop_page_one() {
        let params = SearchParams::from_lookup(|k| match k {
            "city" => Some("Saint-Étienne".into()),
            "q" => Some("sunny & quiet".into()),
            "min_price" => Some(" 500 ".into()),
            "type" => Some(String::new()),
            "page" => Some("3".into()),
            _ => None,
        });
        assert_eq!(params.property_type, None, "empty values are absent");
        assert_eq!(params.properties_href(1), "/properties?q=sunny+%26+quiet&city=Saint-%C3%89tienne&min_price=500");
        assert!(params.properties_href(2).ends_with("&min_price=500&page=2"));
        assert_eq!(SearchParams::default().properties_href(1), "/properties");
        assert!(params.has_filters() && !SearchParams::default().has_filters());
        let query = SearchQuery::parse(&params, 12).unwrap();
        assert_eq!((query.min_price_minor, query.page.page), (Some(50_000), 3));
    }
}
