//! Signing in and the tenant's account.

mod account;
mod login;

pub use account::AccountPage;
pub use login::LoginPage;
