//! List queries (`allX`, `_allXMeta`, `X(where: {id})`): filtering, sorting, paging and limits.
//!
//! Tickets sorted by `updatedAt` (then `number`) are read from the (`updatedAt`, `number`)
//! index from the start the `where` implies, so a keyset page costs O(log n + page).

use super::filter::{self, Filter, Matcher};
use super::keyset;
use crate::condo::data::Store;
use crate::condo::data::catalog::{self, Locale};
use crate::condo::data::fields::{Field, Rec, Scalar};
use crate::condo::data::model::CommentKind;
use crate::condo::errors::{FieldFailure, MAX_RESULTS};
use apollo_compiler::response::JsonMap;
use serde_json::Value;
use std::cmp::Ordering;

/// The Keystone lists the emulator answers queries for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListKind {
    /// `allTickets`.
    Ticket,
    /// `allProperties`.
    Property,
    /// `allOrganizations`.
    Organization,
    /// `allTicketStatuses`.
    TicketStatus,
    /// `allTicketSources`.
    TicketSource,
    /// `allTicketClassifiers`.
    TicketClassifier,
    /// `allTicketComments`.
    TicketComment,
    /// `allTicketFiles`.
    TicketFile,
    /// `allTicketChanges`.
    TicketChange,
}

const LISTS: [(ListKind, &str, &str); 9] = [
    (ListKind::Ticket, "Ticket", "Tickets"),
    (ListKind::Property, "Property", "Properties"),
    (ListKind::Organization, "Organization", "Organizations"),
    (ListKind::TicketStatus, "TicketStatus", "TicketStatuses"),
    (ListKind::TicketSource, "TicketSource", "TicketSources"),
    (ListKind::TicketClassifier, "TicketClassifier", "TicketClassifiers"),
    (ListKind::TicketComment, "TicketComment", "TicketComments"),
    (ListKind::TicketFile, "TicketFile", "TicketFiles"),
    (ListKind::TicketChange, "TicketChange", "TicketChanges"),
];

impl ListKind {
    /// The list for an `all<Plural>` query field.
    pub fn from_all(field: &str) -> Option<Self> {
        LISTS.iter().find(|(_, _, plural)| field.strip_prefix("all") == Some(plural)).map(|l| l.0)
    }

    /// The list for an `_all<Plural>Meta` query field.
    pub fn from_meta(field: &str) -> Option<Self> {
        let plural = field.strip_prefix("_all")?.strip_suffix("Meta")?;
        LISTS.iter().find(|l| l.2 == plural).map(|l| l.0)
    }

    /// The list for a single-item query field (`Ticket(where: {id})`).
    pub fn from_item(field: &str) -> Option<Self> {
        LISTS.iter().find(|l| l.1 == field).map(|l| l.0)
    }

    /// The Keystone list key (`Ticket`).
    pub fn key(self) -> &'static str {
        LISTS.iter().find(|l| l.0 == self).map_or("", |l| l.1)
    }

    fn rows(self, store: &Store) -> Box<dyn Iterator<Item = Rec> + '_> {
        match self {
            Self::Ticket => Box::new((0..store.tickets.len() as u32).map(Rec::Ticket)),
            Self::Property => Box::new((0..store.properties.len() as u32).map(Rec::Property)),
            Self::Organization => Box::new((0..store.organizations.len() as u32).map(Rec::Organization)),
            Self::TicketStatus => Box::new((0..catalog::STATUSES.len() as u8).map(Rec::Status)),
            Self::TicketSource => Box::new((0..catalog::SOURCES.len() as u8).map(Rec::Source)),
            Self::TicketClassifier => Box::new((0..catalog::CLASSIFIERS.len() as u8).map(Rec::Classifier)),
            Self::TicketComment => Box::new((0..store.comments.len() as u32).map(Rec::Comment)),
            Self::TicketFile => Box::new((0..store.files.len() as u32).map(Rec::File)),
            Self::TicketChange => Box::new((0..store.changes.len() as u32).map(Rec::Change)),
        }
    }
}

/// The arguments of a list field, decoded.
pub struct ListArgs {
    filter: Filter,
    sort: Vec<(String, bool)>,
    first: Option<usize>,
    skip: usize,
}

impl ListArgs {
    /// Decodes `where`, `sortBy`, `orderBy`, `first`, `skip` (and refuses `search`).
    pub fn decode(args: &JsonMap) -> Result<Self, FieldFailure> {
        let json = |name: &str| to_json(args.get(name));
        if !json("search").is_null() {
            return Err(FieldFailure::NotEmulated("The `search` argument".to_owned()));
        }
        let mut sort_keys: Vec<String> = serde_json::from_value(json("sortBy")).unwrap_or_default();
        sort_keys.extend(json("orderBy").as_str().map(str::to_owned));
        let sort = sort_keys
            .iter()
            .filter_map(|key| {
                let (field, dir) = key.rsplit_once('_')?;
                Some((field.to_owned(), dir.eq_ignore_ascii_case("DESC")))
            })
            .collect();
        let count = |name: &str| json(name).as_i64().map(|n| n.max(0) as usize);
        Ok(Self {
            filter: filter::parse(&json("where"))?,
            sort,
            first: count("first"),
            skip: count("skip").unwrap_or(0),
        })
    }
}

/// Runs list queries against the store for one request.
pub struct ListQuery<'a> {
    /// The rows.
    pub store: &'a Store,
    /// Locale of localized names.
    pub locale: Locale,
    /// Whether soft-deleted rows are visible (`?deleted=true` or a `deletedAt` condition).
    pub include_deleted: bool,
    /// The signed-in user when it is a resident: only their own tickets (and those tickets'
    /// resident-type comments, files and changes) are readable.
    pub resident: Option<u32>,
}

impl ListQuery<'_> {
    fn matcher(&self) -> Matcher<'_> {
        Matcher { store: self.store, locale: self.locale }
    }

    /// Whether the user may read `rec` at all (Condo's list access rules).
    pub fn readable(&self, rec: Rec) -> bool {
        let Some(user) = self.resident else { return true };
        if let Rec::Comment(i) = rec
            && self.store.comments[i as usize].kind != CommentKind::Resident
        {
            return false;
        }
        match self.store.ticket_of(rec) {
            Some(ticket) => self.store.resident_reads_ticket(user, ticket),
            None => !matches!(rec, Rec::File(_)),
        }
    }

    fn visible(&self, rec: Rec, filter: &Filter) -> Result<bool, FieldFailure> {
        if (!self.include_deleted && self.store.is_deleted(rec)) || !self.readable(rec) {
            return Ok(false);
        }
        self.matcher().matches(rec, filter)
    }

    /// One page of rows, enforcing Keystone's `maxResults`.
    pub fn page(&self, kind: ListKind, args: &ListArgs) -> Result<Vec<Rec>, FieldFailure> {
        let too_many = || FieldFailure::LimitsExceeded { list: kind.key().to_owned(), kind: "maxResults" };
        if args.first.is_some_and(|first| first > MAX_RESULTS) {
            return Err(too_many());
        }
        let limit = args.first.unwrap_or(MAX_RESULTS + 1);
        let rows = match self.index_scan(kind, args) {
            Some(rows) => rows?,
            None => self.sorted_scan(kind, args)?,
        };
        let page: Vec<Rec> = rows.into_iter().skip(args.skip).take(limit).collect();
        if page.len() > MAX_RESULTS {
            return Err(too_many());
        }
        Ok(page)
    }

    /// Counts matching rows (`_allXMeta { count }`); `first` is still checked, as Keystone does.
    pub fn count(&self, kind: ListKind, args: &ListArgs) -> Result<usize, FieldFailure> {
        if args.first.is_some_and(|first| first > MAX_RESULTS) {
            return Err(FieldFailure::LimitsExceeded { list: kind.key().to_owned(), kind: "maxResults" });
        }
        let mut count = 0;
        for rec in kind.rows(self.store) {
            count += usize::from(self.visible(rec, &args.filter)?);
        }
        Ok(count)
    }

    /// The visible row with this id.
    pub fn find(&self, kind: ListKind, id: &str) -> Option<Rec> {
        let shown = |rec: Rec| (self.include_deleted || !self.store.is_deleted(rec)) && self.readable(rec);
        if kind == ListKind::Ticket {
            let index = self.store.ticket_index(&id.parse().ok()?)?;
            return Some(Rec::Ticket(index)).filter(|&rec| shown(rec));
        }
        let has_id = |rec: Rec| matches!(self.store.field(rec, "id", self.locale), Some(Field::Scalar(Scalar::Text(t))) if t == id);
        kind.rows(self.store).find(|&rec| has_id(rec) && shown(rec))
    }

    /// Tickets in (`updatedAt`, `number`) order straight from the index, when the sort allows.
    /// Stops early: only `skip + first` rows (or one over the limit) are ever needed.
    fn index_scan(&self, kind: ListKind, args: &ListArgs) -> Option<Result<Vec<Rec>, FieldFailure>> {
        let ascending = |name: &str| (name.to_owned(), false);
        let by_update = [ascending("updatedAt")];
        let by_update_number = [ascending("updatedAt"), ascending("number")];
        if kind != ListKind::Ticket || (args.sort != by_update && args.sort != by_update_number) {
            return None;
        }
        let wanted = args.skip + args.first.unwrap_or(MAX_RESULTS + 1);
        let start = keyset::start(&args.filter).unwrap_or((i64::MIN, i64::MIN));
        let mut rows = Vec::with_capacity(wanted.min(1024));
        for index in self.store.tickets_by_update(start) {
            if rows.len() >= wanted {
                break;
            }
            match self.visible(Rec::Ticket(index), &args.filter) {
                Ok(true) => rows.push(Rec::Ticket(index)),
                Ok(false) => {}
                Err(failure) => return Some(Err(failure)),
            }
        }
        Some(Ok(rows))
    }

    /// Every matching row, sorted by `sortBy` (stable, so ties keep creation order).
    fn sorted_scan(&self, kind: ListKind, args: &ListArgs) -> Result<Vec<Rec>, FieldFailure> {
        let mut keyed = Vec::new();
        for rec in kind.rows(self.store) {
            if self.visible(rec, &args.filter)? {
                keyed.push((self.sort_key(rec, &args.sort)?, rec));
            }
        }
        keyed.sort_by(|(a, _), (b, _)| compare_keys(a, b, &args.sort));
        Ok(keyed.into_iter().map(|(_, rec)| rec).collect())
    }

    fn sort_key(&self, rec: Rec, sort: &[(String, bool)]) -> Result<Vec<Scalar>, FieldFailure> {
        sort.iter()
            .map(|(field, _)| match self.store.field(rec, field, self.locale) {
                Some(Field::Scalar(scalar)) => Ok(scalar),
                _ => Err(FieldFailure::NotEmulated(format!("Sorting {} by `{field}`", rec.type_name()))),
            })
            .collect()
    }
}

/// Compares sort keys like PostgreSQL: nulls last when ascending, first when descending.
fn compare_keys(a: &[Scalar], b: &[Scalar], sort: &[(String, bool)]) -> Ordering {
    for ((x, y), (_, descending)) in a.iter().zip(b).zip(sort) {
        let ordering = match (x, y) {
            (Scalar::Null, Scalar::Null) => Ordering::Equal,
            (Scalar::Null, _) => Ordering::Greater,
            (_, Scalar::Null) => Ordering::Less,
            (Scalar::Instant(p), Scalar::Instant(q)) | (Scalar::Int(p), Scalar::Int(q)) => p.cmp(q),
            (Scalar::Text(p), Scalar::Text(q)) => p.cmp(q),
            (Scalar::Bool(p), Scalar::Bool(q)) => p.cmp(q),
            _ => Ordering::Equal,
        };
        let ordering = if *descending { ordering.reverse() } else { ordering };
        if ordering != Ordering::Equal {
            return ordering;
        }
    }
    Ordering::Equal
}

/// Converts a coerced argument value into `serde_json`.
pub fn to_json(value: Option<&apollo_compiler::response::JsonValue>) -> Value {
    value.map(|v| serde_json::to_value(v).unwrap_or_default()).unwrap_or_default()
}
