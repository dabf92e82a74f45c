//! The portal's search parameters, validated once from a URL's query.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{Currency, Money, PageRequest, SearchTerm};

/// The currency prices are filtered and sorted in when a search names none.
pub const DEFAULT_CURRENCY: Currency = Currency::EUR;

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
    /// Lowest price, in minor units of `currency`.
    pub min_price_minor: Option<i64>,
    /// Highest price, in minor units of `currency`.
    pub max_price_minor: Option<i64>,
    /// The offers shown: one term (one price unit), or every term.
    pub term: SearchTerm,
    /// Whether the visitor named the term (else it is [`SearchTerm::DEFAULT`]).
    pub term_chosen: bool,
    /// Only offers priced in this currency: the one asked for, or
    /// [`DEFAULT_CURRENCY`] when prices are filtered or sorted.
    pub currency: Option<Currency>,
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

/// The highest price a filter takes, in major units.
const MAX_PRICE_MAJOR: i64 = 100_000_000;

fn price_error(name: &str, value: &str, currency: Currency) -> String {
    let decimals = match currency.exponent() {
        0 => "no decimals".to_owned(),
        1 => "at most 1 decimal".to_owned(),
        n => format!("at most {n} decimals"),
    };
    format!(
        "`{name}` must be an amount in {} from 0 to {MAX_PRICE_MAJOR}, with {decimals} (got `{value}`)",
        currency.as_str()
    )
}

/// The price range in minor units of `currency`, from amounts in its major unit.
fn price_range(min: Option<&str>, max: Option<&str>, currency: Currency) -> Result<(Option<i64>, Option<i64>), String> {
    let price = |name: &str, value: Option<&str>| -> Result<Option<i64>, String> {
        value
            .map(|v| match Money::parse_major(v, currency) {
                Some(m) if m.minor <= MAX_PRICE_MAJOR * 10i64.pow(currency.exponent()) => Ok(m.minor),
                _ => Err(price_error(name, v, currency)),
            })
            .transpose()
    };
    let (lo, hi) = (price("min_price", min)?, price("max_price", max)?);
    if let (Some(lo), Some(hi)) = (lo, hi)
        && lo > hi
    {
        return Err("`min_price` must not be above `max_price`".into());
    }
    Ok((lo, hi))
}

const TYPES: [&str; 6] = ["apartment", "house", "studio", "room", "loft", "other"];

impl SearchQuery {
    /// Validates the raw values of a URL; the message of an error names the parameter.
    pub fn parse(raw: &SearchParams, default_per_page: u32) -> Result<Self, String> {
        let get = |k: &str| raw.get(k).map(str::trim).filter(|v| !v.is_empty());
        let page = PageRequest::parse(get("page"), get("per_page"), default_per_page).map_err(|e| e.to_string())?;
        let term_chosen = get("term").is_some();
        let term = get("term").map(SearchTerm::parse).transpose()?.unwrap_or(SearchTerm::DEFAULT);
        let asked_currency = get("currency")
            .map(|v| {
                Currency::parse(&v.to_ascii_uppercase())
                    .map_err(|_| format!("`currency` must be a three-letter ISO 4217 code like EUR (got `{v}`)"))
            })
            .transpose()?;
        let price_currency = asked_currency.unwrap_or(DEFAULT_CURRENCY);
        let (min_price_minor, max_price_minor) = price_range(get("min_price"), get("max_price"), price_currency)?;
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
        let by_price = min_price_minor.is_some() || max_price_minor.is_some() || sort != SearchSort::Newest;
        if by_price && term == SearchTerm::Any {
            return Err("`term` must be one term (month, week, night or hour) to filter or sort by price: \
                        a price per night is not comparable with a price per month"
                .into());
        }
        let currency = if by_price { Some(price_currency) } else { asked_currency };
        let text = |k: &str| get(k).map(|v| v.chars().take(200).collect::<String>());
        Ok(Self {
            q: text("q"),
            city: text("city"),
            min_price_minor,
            max_price_minor,
            term,
            term_chosen,
            currency,
            bedrooms,
            property_type,
            available_from,
            source,
            sort,
            page,
        })
    }

    /// Whether prices are filtered or sorted (and so one currency applies).
    pub fn by_price(&self) -> bool {
        self.min_price_minor.is_some() || self.max_price_minor.is_some() || self.sort != SearchSort::Newest
    }

    /// What the results are, in a sentence the page shows above them: the
    /// term, and how prices are compared.
    pub fn scope_note(&self) -> String {
        let mut note = format!("Showing {}.", self.term.label());
        if self.term == SearchTerm::Any {
            note.push_str(" Each price says what it is for; prices of different terms are never compared.");
        }
        if let Some(currency) = self.currency.filter(|_| self.by_price()) {
            note.push_str(&format!(
                " Prices are compared in {} only; offers in other currencies are left out.",
                currency.as_str()
            ));
        }
        if !self.term_chosen && (self.min_price_minor.is_some() || self.max_price_minor.is_some()) {
            note.push_str(" The price range is per month: choose a term to search short stays.");
        }
        note
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
    /// Lowest price, an amount in major units of the currency (e.g. `900`).
    pub min_price: Option<String>,
    /// Highest price, an amount in major units.
    pub max_price: Option<String>,
    /// `month` (the default), `week`, `night`, `hour` or `any`.
    pub term: Option<String>,
    /// ISO 4217 code of the currency prices are in.
    pub currency: Option<String>,
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
    pub const FILTERS: [&'static str; 11] = [
        "q",
        "city",
        "term",
        "currency",
        "min_price",
        "max_price",
        "bedrooms",
        "type",
        "available_from",
        "source",
        "sort",
    ];

    /// Reads every parameter through `get` (a URL's query map).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Self {
        let get = |k: &str| get(k).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        Self {
            q: get("q"),
            city: get("city"),
            min_price: get("min_price"),
            max_price: get("max_price"),
            term: get("term"),
            currency: get("currency"),
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
            "term" => &self.term,
            "currency" => &self.currency,
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
#[path = "search_tests.rs"]
mod tests;
