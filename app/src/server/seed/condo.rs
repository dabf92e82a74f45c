//! `marketplace condo link-demo`: links Condo's properties to the demo properties, so the
//! demo shows imported tickets. Condo properties are taken in id order and linked one to one
//! to `property-0`, `property-1`, …, which the demo deals round-robin to its landlords; the
//! same data always gives the same links, and a second run changes nothing.

use anyhow::Context as _;
use sqlx::PgPool;

use super::{catalog, demo_id};
use crate::server::adapters::condo::CondoClient;
use crate::server::store::condo_import::link_condo_property;
use crate::server::store::external_ref::LinkOutcome;
use crate::server::store::property::find_property_scoped;

/// What linking did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DemoLinkReport {
    /// New links.
    pub created: usize,
    /// Links that were there already.
    pub existing: usize,
    /// Pairs where one side was linked to something else (left as they are).
    pub conflicts: Vec<String>,
    /// Condo properties left unlinked (more of them than demo properties).
    pub unlinked: Vec<String>,
}

/// Links Condo's properties (read through `client`) to the demo properties.
pub async fn link_demo_properties<C: CondoClient>(pool: &PgPool, client: &C) -> anyhow::Result<DemoLinkReport> {
    let mut properties = client.properties().await.context("cannot read Condo's properties")?;
    properties.retain(|p| p.deleted_at.is_none());
    properties.sort_by(|a, b| a.id.cmp(&b.id));
    let mut report = DemoLinkReport::default();
    for (i, condo) in properties.iter().enumerate() {
        if i >= catalog::PROPERTY_COUNT {
            report.unlinked.push(condo.id.clone());
            continue;
        }
        let local = demo_id(&format!("property-{i}"));
        find_property_scoped(pool, None, local)
            .await?
            .with_context(|| format!("demo property-{i} is missing; run `marketplace seed demo` first"))?;
        match link_condo_property(pool, local, &condo.id).await? {
            LinkOutcome::Created => report.created += 1,
            LinkOutcome::AlreadyLinked => report.existing += 1,
            LinkOutcome::Conflict => report.conflicts.push(format!("{} ↔ property-{i}", condo.id)),
        }
    }
    Ok(report)
}
