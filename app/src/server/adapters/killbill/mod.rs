//! The Kill Bill adapter: settings, the client trait, the reqwest client and
//! the wire types of the calls the invoice and payment mirror needs
//! (`shared/contracts/killbill/NOTES.md` §3 and §4).

mod client;
mod error;
mod http;
mod settings;
pub mod wire;

pub use client::{AccountCreated, KbResult, KillBillClient, PaymentRecorded};
pub use error::{INVOICE_INVALID_STATUS, KillBillError};
pub use http::HttpKillBillClient;
pub use settings::KillBillSettings;
