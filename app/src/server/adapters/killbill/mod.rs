//! The KillBill adapter.

mod settings;

pub use settings::KillBillSettings;
