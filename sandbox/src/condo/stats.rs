//! Counters a test or benchmark reads back through `GET /__sandbox/stats`.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How often each fault was injected.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct FaultCounts {
    /// Requests delayed by added latency.
    pub delayed: u64,
    /// Requests answered with an injected 5xx.
    pub errors: u64,
    /// Requests that hung.
    pub hangs: u64,
    /// Connections dropped after processing.
    pub drops: u64,
    /// Connections closed because the server is "down".
    pub down: u64,
}

/// Request and result counters since start (or the last reset).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Stats {
    /// Requests to `/admin/api`, whatever happened to them.
    pub requests: u64,
    /// Executed operations by `operationName` (`<anonymous>` when unnamed).
    pub operations: BTreeMap<String, u64>,
    /// List fields answered (`allTickets`, `allProperties`, …): one page each.
    pub pages_served: u64,
    /// Pages per list field name.
    pub pages_by_field: BTreeMap<String, u64>,
    /// Objects returned, relations included (what `maxTotalResults` counts).
    pub objects_served: u64,
    /// Successful sign-ins.
    pub sign_ins: u64,
    /// Refused sign-ins (wrong credentials or throttled).
    pub failed_sign_ins: u64,
    /// `UNAUTHENTICATED` errors returned.
    pub unauthenticated: u64,
    /// Requests refused before execution (syntax, validation, size limits).
    pub rejected: u64,
    /// `LimitsExceededError`s returned.
    pub limit_errors: u64,
    /// Injected faults.
    pub faults: FaultCounts,
    /// Webhook POSTs sent.
    pub webhook_posts: u64,
    /// Downloads of uploaded files (`GET /api/files/ticket/…`) answered, whatever the status.
    #[serde(default)]
    pub file_downloads: u64,
}
