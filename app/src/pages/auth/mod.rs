//! Signing in, setting a password from a link, and the tenant's account.

mod account;
mod login;
mod set_password;

pub use account::AccountPage;
pub use login::LoginPage;
pub use set_password::SetPasswordPage;
