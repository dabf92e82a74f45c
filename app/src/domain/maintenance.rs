//! Maintenance ticket filters, validated once from a URL's query.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::PageRequest;
use super::ticket::{TicketPriority, TicketStatus};

/// Tickets per page unless asked otherwise.
pub const DEFAULT_TICKETS_PER_PAGE: u32 = 25;

/// How tickets are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TicketSort {
    /// Most recently changed first (the default).
    UpdatedDesc,
    /// Least recently changed first.
    Updated,
    /// Urgent first, then the most recently changed.
    Priority,
    /// Nearest deadline first; tickets without one last.
    Deadline,
    /// Newest ticket number first.
    NumberDesc,
}

impl TicketSort {
    /// Every sort with its URL value.
    pub const ALL: [(TicketSort, &'static str); 5] = [
        (TicketSort::UpdatedDesc, "updated_desc"),
        (TicketSort::Updated, "updated"),
        (TicketSort::Priority, "priority"),
        (TicketSort::Deadline, "deadline"),
        (TicketSort::NumberDesc, "number_desc"),
    ];

    /// The URL value, also the key the store's SQL orders by.
    pub fn key(self) -> &'static str {
        Self::ALL.iter().find(|(s, _)| *s == self).map_or("updated_desc", |(_, k)| k)
    }
}

/// A ticket search's raw values, exactly as a URL carries them: what the
/// pages read from their address and the server function receives; validated
/// by [`TicketQuery::parse`]. Empty values count as absent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketParams {
    /// One status or several, comma-separated.
    pub status: Option<String>,
    /// One priority or several, comma-separated.
    pub priority: Option<String>,
    /// `true` or `false`.
    pub emergency: Option<String>,
    /// `true` or `false`.
    pub overdue: Option<String>,
    /// A property id.
    pub property: Option<String>,
    /// A date (`YYYY-MM-DD`) or an RFC 3339 time.
    pub updated_since: Option<String>,
    /// One of the [`TicketSort`] keys.
    pub sort: Option<String>,
    /// 1-based page.
    pub page: Option<String>,
    /// Tickets per page.
    pub per_page: Option<String>,
}

impl TicketParams {
    /// Reads every parameter through `get` (a URL's query).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Self {
        let get = |k: &str| get(k).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        Self {
            status: get("status"),
            priority: get("priority"),
            emergency: get("emergency"),
            overdue: get("overdue"),
            property: get("property"),
            updated_since: get("updated_since"),
            sort: get("sort"),
            page: get("page"),
            per_page: get("per_page"),
        }
    }

    /// The value of the URL parameter `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        let value = match name {
            "status" => &self.status,
            "priority" => &self.priority,
            "emergency" => &self.emergency,
            "overdue" => &self.overdue,
            "property" => &self.property,
            "updated_since" => &self.updated_since,
            "sort" => &self.sort,
            "page" => &self.page,
            "per_page" => &self.per_page,
            _ => return None,
        };
        value.as_deref()
    }
}

/// A validated ticket search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TicketQuery {
    /// Only these statuses (empty: all).
    pub statuses: Vec<TicketStatus>,
    /// Only these priorities (empty: all).
    pub priorities: Vec<TicketPriority>,
    /// Only emergencies (`true`) or only the others (`false`).
    pub emergency: Option<bool>,
    /// Only open tickets past their deadline (`true`) or only the others (`false`).
    pub overdue: Option<bool>,
    /// Only this property's tickets.
    pub property: Option<Uuid>,
    /// Only tickets changed at or after this time.
    pub updated_since: Option<DateTime<Utc>>,
    /// How the tickets are ordered.
    pub sort: TicketSort,
    /// Which page of the results, and its size.
    pub page: PageRequest,
}

impl TicketQuery {
    /// Parses raw query values (`status`, `priority`, `emergency`, `overdue`, `property`,
    /// `updated_since`, `sort`, `page`, `per_page`); an error names the parameter to fix.
    /// `status` and `priority` take one value or several separated by commas.
    pub fn parse(raw: &TicketParams) -> Result<Self, String> {
        let get = |k: &str| raw.get(k).map(str::trim).filter(|v| !v.is_empty());
        let page =
            PageRequest::parse(get("page"), get("per_page"), DEFAULT_TICKETS_PER_PAGE).map_err(|e| e.to_string())?;
        fn list<T>(
            raw: Option<&str>,
            k: &str,
            allowed: &[&str],
            parse: fn(&str) -> Option<T>,
        ) -> Result<Vec<T>, String> {
            let Some(v) = raw else { return Ok(Vec::new()) };
            v.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| {
                    parse(s).ok_or_else(|| format!("`{k}` must be one or more of {} (got `{s}`)", allowed.join(", ")))
                })
                .collect()
        }
        let statuses = TicketStatus::ALL.map(TicketStatus::as_str);
        let priorities = TicketPriority::ALL.map(TicketPriority::as_str);
        let flag = |k: &str| -> Result<Option<bool>, String> {
            get(k)
                .map(|v| match v {
                    "true" | "1" | "yes" => Ok(true),
                    "false" | "0" | "no" => Ok(false),
                    _ => Err(format!("`{k}` must be `true` or `false` (got `{v}`)")),
                })
                .transpose()
        };
        let property = get("property")
            .map(|v| Uuid::parse_str(v).map_err(|_| format!("`property` must be a property id (got `{v}`)")))
            .transpose()?;
        let updated_since = get("updated_since").map(parse_since).transpose()?;
        let sort = match get("sort") {
            None => TicketSort::UpdatedDesc,
            Some(v) => TicketSort::ALL.iter().find(|(_, k)| *k == v).map(|(s, _)| *s).ok_or_else(|| {
                let keys: Vec<_> = TicketSort::ALL.iter().map(|(_, k)| *k).collect();
                format!("`sort` must be one of {} (got `{v}`)", keys.join(", "))
            })?,
        };
        Ok(Self {
            statuses: list(get("status"), "status", &statuses, TicketStatus::parse)?,
            priorities: list(get("priority"), "priority", &priorities, TicketPriority::parse)?,
            emergency: flag("emergency")?,
            overdue: flag("overdue")?,
            property,
            updated_since,
            sort,
            page,
        })
    }

    /// The query string of this search on another page (defaults left out), for links.
    pub fn to_query_string(&self, page: u32) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if !self.statuses.is_empty() {
            pairs.push(("status", self.statuses.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(",")));
        }
        if !self.priorities.is_empty() {
            pairs.push(("priority", self.priorities.iter().map(|p| p.as_str()).collect::<Vec<_>>().join(",")));
        }
        if let Some(e) = self.emergency {
            pairs.push(("emergency", e.to_string()));
        }
        if let Some(o) = self.overdue {
            pairs.push(("overdue", o.to_string()));
        }
        if let Some(p) = self.property {
            pairs.push(("property", p.to_string()));
        }
        if let Some(t) = self.updated_since {
            pairs.push(("updated_since", t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)));
        }
        if self.sort != TicketSort::UpdatedDesc {
            pairs.push(("sort", self.sort.key().to_owned()));
        }
        if page > 1 {
            pairs.push(("page", page.to_string()));
        }
        if self.page.per_page != DEFAULT_TICKETS_PER_PAGE {
            pairs.push(("per_page", self.page.per_page.to_string()));
        }
        pairs.iter().map(|(k, v)| format!("{k}={}", encode(v))).collect::<Vec<_>>().join("&")
    }
}

/// `YYYY-MM-DD` (midnight UTC) or an RFC 3339 time.
fn parse_since(v: &str) -> Result<DateTime<Utc>, String> {
    if let Ok(day) = NaiveDate::parse_from_str(v, "%Y-%m-%d") {
        return Ok(day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc());
    }
    DateTime::parse_from_rfc3339(v).map(|t| t.with_timezone(&Utc)).map_err(|_| {
        format!("`updated_since` must be a date like 2026-11-01 or a time like 2026-11-01T08:00:00Z (got `{v}`)")
    })
}

/// Percent-encodes what a query value may not carry as is.
fn encode(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b',' | b':' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(pairs: &[(&str, &str)]) -> Result<TicketQuery, String> {
        let params =
            TicketParams::from_lookup(|k| pairs.iter().find(|(name, _)| *name == k).map(|(_, v)| (*v).to_owned()));
        TicketQuery::parse(&params)
    }

    #[test]
    fn an_empty_query_is_every_ticket_most_recently_changed_first() {
        let q = parse(&[]).unwrap();
        assert!(q.statuses.is_empty() && q.priorities.is_empty() && q.property.is_none());
        assert_eq!((q.sort, q.page.page, q.page.per_page), (TicketSort::UpdatedDesc, 1, DEFAULT_TICKETS_PER_PAGE));
        assert_eq!(q.to_query_string(1), "");
    }

    #[test]
    fn filters_are_parsed_and_written_back() {
        let q = parse(&[
            ("status", "processing,new_or_reopened"),
            ("priority", "urgent"),
            ("emergency", "true"),
            ("updated_since", "2026-11-01"),
            ("sort", "deadline"),
            ("page", "2"),
        ])
        .unwrap();
        assert_eq!(q.statuses, [TicketStatus::Processing, TicketStatus::NewOrReopened]);
        assert_eq!(q.updated_since.unwrap().to_rfc3339(), "2026-11-01T00:00:00+00:00");
        let again = q.to_query_string(3);
        assert_eq!(
            again,
            "status=processing,new_or_reopened&priority=urgent&emergency=true&updated_since=2026-11-01T00:00:00Z&sort=deadline&page=3"
        );
        let pairs: Vec<(String, String)> =
            again.split('&').map(|p| p.split_once('=').map(|(k, v)| (k.to_owned(), v.to_owned())).unwrap()).collect();
        let params = TicketParams::from_lookup(|k| pairs.iter().find(|(name, _)| name == k).map(|(_, v)| v.clone()));
        let reparsed = TicketQuery::parse(&params).unwrap();
        assert_eq!((reparsed.statuses, reparsed.sort, reparsed.page.page), (q.statuses, q.sort, 3));
    }

    #[test]
    fn bad_values_are_refused_naming_the_parameter() {
        for (key, value) in [
            ("status", "open"),
            ("priority", "asap"),
            ("emergency", "maybe"),
            ("overdue", "2"),
            ("property", "not-a-uuid"),
            ("updated_since", "yesterday"),
            ("sort", "random"),
            ("page", "0"),
            ("per_page", "1000"),
        ] {
            let err = parse(&[(key, value)]).unwrap_err();
            assert!(err.contains(&format!("`{key}`")), "{key}: {err}");
        }
    }
}
