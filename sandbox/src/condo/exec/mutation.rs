//! The `Mutation` root: Condo's sign-in mutations, sign-out, and the ticket create mutations
//! (performed beforehand by [`super::create`]). Other mutations are not emulated.

use super::context::Ctx;
use super::create::{CREATES, Created};
use super::list;
use super::objects::{RecordObj, json_value};
use crate::condo::auth::normalize_phone;
use crate::condo::data::fields::Rec;
use crate::condo::data::model::UserKind;
use crate::condo::errors::FieldFailure;
use apollo_compiler::resolvers::{FieldError, ObjectValue, ResolveInfo, ResolvedValue};
use serde_json::{Value, json};
use std::borrow::Cow;

/// Webhook set-up mutations: only Condo admins and support may run them, never an
/// integration account, so the emulator refuses them the way Condo does.
const ADMIN_ONLY: [&str; 4] =
    ["createWebhook", "updateWebhook", "createWebhookSubscription", "updateWebhookSubscription"];

/// The `Mutation` root.
pub struct MutationRoot<'a> {
    /// The request context.
    pub ctx: &'a Ctx<'a>,
    /// The outcomes of the operation's create fields, already applied.
    pub created: &'a Created,
}

/// Which account a sign-in mutation looks for.
enum Identity {
    Phone(String, UserKind),
    Email { email: String, kind: Option<UserKind> },
}

impl ObjectValue for MutationRoot<'_> {
    fn type_name(&self) -> &str {
        "Mutation"
    }

    fn resolve_field<'b>(&'b self, info: &'b ResolveInfo<'b>) -> Result<ResolvedValue<'b>, FieldError> {
        let ctx = self.ctx;
        let name = info.field_name();
        let data = list::to_json(info.arguments().get("data"));
        let text = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).unwrap_or_default().to_owned();
        let kind = |v: &Value| match v.get("userType").and_then(Value::as_str) {
            Some("service") => Some(UserKind::Service),
            Some(_) => Some(UserKind::Staff),
            None => None,
        };
        if CREATES.contains(&name) {
            return self.created_row(info);
        }
        let (identity, password, mutation) = match name {
            "authenticateUserWithPhoneAndPassword" => {
                let kind = match data.get("userType").and_then(Value::as_str) {
                    Some("resident") => UserKind::Resident,
                    _ => UserKind::Staff,
                };
                let identity = Identity::Phone(text(&data, "phone"), kind);
                (identity, text(&data, "password"), "authenticateUserWithPhoneAndPassword")
            }
            "authenticateUserWithEmailAndPassword" => {
                let identity = Identity::Email { email: text(&data, "email"), kind: kind(&data) };
                (identity, text(&data, "password"), "authenticateUserWithEmailAndPassword")
            }
            "authenticateUserWithPassword" => {
                let args = serde_json::to_value(info.arguments()).unwrap_or_default();
                let identity = Identity::Email { email: text(&args, "email"), kind: None };
                (identity, text(&args, "password"), "authenticateUserWithPassword")
            }
            "unauthenticateUser" => return Ok(sign_out(ctx, info)),
            _ if ADMIN_ONLY.contains(&name) => {
                ctx.require_user()?;
                let denied = FieldFailure::AccessDenied { operation: "mutation", target: name.to_owned() };
                return Err(ctx.fail(denied));
            }
            _ => return Err(ctx.fail(FieldFailure::NotEmulated(format!("The mutation `{name}`")))),
        };
        let user = sign_in(ctx, identity, &password, mutation).map_err(|f| ctx.fail(f))?;
        let token = ctx.sessions().start(user);
        ctx.signed_in();
        let type_name = info.field_definition().ty.inner_named_type().to_string();
        Ok(ResolvedValue::object(AuthObj { ctx, type_name, token, user }))
    }
}

impl<'a> MutationRoot<'a> {
    /// The row a create field made, or its failure.
    fn created_row<'b>(&'b self, info: &'b ResolveInfo<'b>) -> Result<ResolvedValue<'b>, FieldError> {
        let ctx = self.ctx;
        let key = info.field_selections().first().map_or(info.field_name(), |f| f.response_key().as_str());
        match self.created.get(key) {
            Some(Ok(rec)) => {
                ctx.take(rec.type_name(), 1)?;
                Ok(ResolvedValue::object(RecordObj { ctx, rec: *rec, is_self: false }))
            }
            Some(Err(failure)) => Err(ctx.fail(failure.clone())),
            None => Err(ctx.fail(FieldFailure::NotEmulated(format!("`{}` inside a fragment", info.field_name())))),
        }
    }
}

/// Checks attempt limits and credentials; returns the signed-in user.
fn sign_in(ctx: &Ctx<'_>, identity: Identity, password: &str, mutation: &'static str) -> Result<u32, FieldFailure> {
    let ip_key = format!("ip:{}", ctx.meta.client_ip);
    let (key, wrong) = match &identity {
        Identity::Phone(phone, _) => (format!("phone:{phone}"), "Wrong phone or password"),
        Identity::Email { email, .. } => (format!("email:{}", email.to_lowercase()), "Wrong email or password"),
    };
    ctx.sessions().throttle(&[ip_key, key])?;
    let wrong = FieldFailure::WrongCredentials { mutation, message: wrong };
    let found = match identity {
        Identity::Phone(phone, kind) => {
            let phone = normalize_phone(&phone).ok_or(FieldFailure::WrongPhoneFormat)?;
            ctx.store.users.iter().position(|u| u.kind == kind && u.phone.as_deref() == Some(phone.as_str()))
        }
        Identity::Email { email, kind } => ctx.store.users.iter().position(|u| {
            kind.is_none_or(|k| k == u.kind) && u.email.as_deref().is_some_and(|e| e.eq_ignore_ascii_case(&email))
        }),
    };
    match found {
        Some(user) if password == ctx.credentials.password => Ok(user as u32),
        _ => Err(wrong),
    }
}

/// `unauthenticateUser`: ends the request's session; always succeeds.
fn sign_out<'b>(ctx: &'b Ctx<'b>, info: &ResolveInfo<'_>) -> ResolvedValue<'b> {
    if let Some(token) = &ctx.meta.token {
        ctx.sessions().end(token);
    }
    json_value(ctx, &info.field_definition().ty, Cow::Owned(json!({ "success": true })))
}

/// The `{ token, item }` output of a sign-in mutation.
struct AuthObj<'a> {
    ctx: &'a Ctx<'a>,
    type_name: String,
    token: String,
    user: u32,
}

impl ObjectValue for AuthObj<'_> {
    fn type_name(&self) -> &str {
        &self.type_name
    }

    fn resolve_field<'b>(&'b self, info: &'b ResolveInfo<'b>) -> Result<ResolvedValue<'b>, FieldError> {
        match info.field_name() {
            "token" => Ok(ResolvedValue::leaf(self.token.as_str())),
            "item" => Ok(ResolvedValue::object(RecordObj { ctx: self.ctx, rec: Rec::User(self.user), is_self: true })),
            other => Err(self.ctx.fail(FieldFailure::NotEmulated(format!("The field `{}.{other}`", self.type_name)))),
        }
    }
}
