//! Command-line actions that are more than a call: each module is one
//! `marketplace` subcommand's handler and arguments.

pub mod exit;
pub mod ledger;
pub mod users;
