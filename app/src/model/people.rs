//! People as the back office manages them: invitations, the people list,
//! setting a password from a link.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// `POST /api/manage/users`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteRequest {
    /// Their e-mail address (their sign-in name).
    pub email: String,
    /// `admin`, `landlord` or `tenant`.
    pub role: String,
    /// Their name as shown (default: the e-mail's local part).
    pub name: Option<String>,
}

/// Where an account stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountState {
    /// Invited; no password set yet.
    Invited,
    /// Can sign in.
    Active,
    /// Disabled: cannot sign in.
    Disabled,
}

/// A person in the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    /// Our id of the user.
    pub id: Uuid,
    /// Their e-mail address.
    pub email: String,
    /// Their name as shown.
    pub name: String,
    /// `admin`, `landlord` or `tenant`.
    pub role: String,
    /// Invited, active or disabled.
    pub state: AccountState,
    /// When the account was made.
    pub created_at: DateTime<Utc>,
}

/// An invitation made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invited {
    /// The new account.
    #[serde(flatten)]
    pub person: Person,
    /// The single-use link, only when no SMTP server is configured (the mail
    /// was written to a file; whoever invited passes the link on).
    pub invitation_link: Option<String>,
    /// When the link stops working.
    pub link_expires_at: DateTime<Utc>,
}

/// `GET /api/manage/users` filters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeopleQuery {
    /// One role only.
    pub role: Option<String>,
    /// Part of an e-mail or a name.
    pub q: Option<String>,
    /// 1-based page of 50.
    pub page: Option<i64>,
}

/// `PUT /api/manage/users/{id}`: a person's e-mail and name as they should read now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileRequest {
    /// Their e-mail address (their sign-in name); another account's is a 409.
    pub email: String,
    /// Their name as shown (1 to 100 characters).
    pub name: String,
}

/// A person's e-mail and name after a correction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileChanged {
    /// Our id of the user.
    pub id: Uuid,
    /// Their e-mail address.
    pub email: String,
    /// Their name as shown.
    pub name: String,
    /// Whether anything changed (a tenant's Kill Bill account follows on the next mirror).
    pub changed: bool,
}
