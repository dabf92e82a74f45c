//! Tests of the search parameters.

use super::*;

fn parse(pairs: &[(&str, &str)]) -> Result<SearchQuery, String> {
    let params = SearchParams::from_lookup(|k| pairs.iter().find(|(name, _)| *name == k).map(|(_, v)| (*v).to_owned()));
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
    assert_eq!((q.term, q.term_chosen, q.currency), (SearchTerm::Month, false, Some(Currency::EUR)));
}

#[test]
fn price_filters_use_the_currency_s_exponent() {
    let q = parse(&[("currency", "jpy"), ("min_price", "50000"), ("term", "night")]).unwrap();
    assert_eq!((q.min_price_minor, q.currency.map(|c| c.exponent())), (Some(50_000), Some(0)));
    let q = parse(&[("currency", "KWD"), ("max_price", "12.345")]).unwrap();
    assert_eq!(q.max_price_minor, Some(12_345));
    let err = parse(&[("currency", "JPY"), ("max_price", "12.5")]).unwrap_err();
    assert!(err.contains("`max_price`") && err.contains("no decimals"), "{err}");
}

#[test]
fn prices_are_compared_within_one_term_and_the_page_says_which() {
    let q = parse(&[("min_price", "500")]).unwrap();
    assert_eq!(q.term.price_unit(), Some("month"));
    assert!(q.scope_note().contains("per month") && q.scope_note().contains("in EUR only"), "{}", q.scope_note());
    assert!(q.scope_note().contains("choose a term"));
    let q = parse(&[("term", "night"), ("sort", "price")]).unwrap();
    assert!(q.scope_note().contains("per night") && !q.scope_note().contains("choose a term"));
    assert_eq!(parse(&[]).unwrap().currency, None, "no price, no currency restriction");
    for pairs in [&[("term", "any"), ("sort", "price")][..], &[("term", "any"), ("max_price", "900")]] {
        assert!(parse(pairs).unwrap_err().contains("`term`"));
    }
    assert!(parse(&[("term", "any")]).unwrap().scope_note().contains("every term"));
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
        ("term", "yearly"),
        ("currency", "euro"),
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
