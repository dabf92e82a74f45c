//! The back office's plain form posts (`/manage/...`): each calls the service
//! the JSON API calls and answers 303 back to its page, with `?ok=<what>` or
//! `?error=<field>&reason=<kind>` and what was typed (never a password), so
//! the forms work without JavaScript and show their errors inline.

use app::model::AppError;
use app::model::manage::{EndLeaseRequest, NewLeaseRequest, NewPropertyRequest, NewUnitRequest, PropertyEditRequest};
use app::model::payment::{CreditNoteRequest, PaymentRequest, RefundRequest, VoidRequest};
use app::model::people::ProfileRequest;
use app::server::audit::Actor;
use app::server::auth::AuthUser;
use app::server::state::AppState;
use app::server::{credit_note, leases, payment, people, places, profile, refund};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::{Form, Router};
use std::collections::HashMap;
use uuid::Uuid;

/// The form routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/manage/leases", post(create_lease))
        .route("/manage/leases/{id}/end", post(end_lease))
        .route("/manage/invoices/{id}/payments", post(record_payment))
        .route("/manage/invoices/{id}/void", post(void_invoice))
        .route("/manage/payments/{id}/refunds", post(refund_payment))
        .route("/manage/invoices/{id}/credit-notes", post(credit_invoice))
        .route("/manage/properties", post(create_property))
        .route("/manage/properties/{id}/units", post(create_unit))
        .route("/manage/properties/{id}/edit", post(edit_property))
        .route("/manage/units/{id}/edit", post(edit_unit))
        .route("/manage/people", post(invite))
        .route("/manage/people/{id}/edit", post(edit_person))
}

pub(super) type Fields = HashMap<String, String>;

pub(super) fn field<'a>(form: &'a Fields, name: &str) -> &'a str {
    form.get(name).map_or("", String::as_str)
}

fn optional(form: &Fields, name: &str) -> Option<String> {
    Some(field(form, name).trim().to_owned()).filter(|v| !v.is_empty())
}

/// A whole number typed in a form, or a 400 naming the field.
pub(super) fn number<T: std::str::FromStr>(form: &Fields, name: &str) -> Result<Option<T>, AppError> {
    optional(form, name)
        .map(|v| v.parse().map_err(|_| AppError::Validation(format!("{name}: a whole number"))))
        .transpose()
}

fn id(form: &Fields, name: &str) -> Result<Uuid, AppError> {
    Uuid::parse_str(field(form, name).trim()).map_err(|_| AppError::Validation(format!("{name}: an id, as shown")))
}

fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// Back to `page` with the outcome: `ok` on success, the error's field and
/// kind (and what was typed in `echo`) otherwise.
pub(super) fn back(page: &str, result: Result<String, AppError>, form: &Fields, echo: &[&str]) -> Response {
    match result {
        Ok(ok) => Redirect::to(&format!("{page}?ok={ok}")).into_response(),
        Err(AppError::Unauthorized) => Redirect::to(&format!("/login?next={page}")).into_response(),
        Err(err) => {
            let (reason, message) = match &err {
                AppError::Validation(m) => ("invalid", m.as_str()),
                AppError::Conflict(m) | AppError::Unprocessable(m) => ("conflict", m.as_str()),
                AppError::NotFound => ("not_found", ""),
                AppError::Forbidden => ("forbidden", ""),
                _ => ("unavailable", ""),
            };
            let name = message.split(':').next().filter(|f| f.chars().all(|c| c.is_ascii_lowercase() || c == '_'));
            let mut to = format!("{page}?error={}&reason={reason}", name.filter(|n| !n.is_empty()).unwrap_or("form"));
            // The reason in words, after the field's name ("end_on: …"), so the page can say it.
            let words = message.split_once(':').map_or(message, |(_, rest)| rest).trim();
            if !words.is_empty() {
                let words: String = words.chars().take(300).collect();
                to.push_str(&format!("&message={}", encode(&words)));
            }
            for key in echo {
                let value: String = field(form, key).chars().take(200).collect();
                to.push_str(&format!("&{key}={}", encode(&value)));
            }
            Redirect::to(&to).into_response()
        }
    }
}

async fn create_lease(
    State(state): State<AppState>,
    user: Result<AuthUser, AppError>,
    Form(form): Form<Fields>,
) -> Response {
    let Ok(user) = user else { return Redirect::to("/login?next=/manage/leases").into_response() };
    let result = async {
        // The page asks for the tenant's e-mail; only a tenant's account will do.
        let tenant_id = people::tenant_id_by_email(&state.pool, field(&form, "tenant_email")).await?;
        let request = NewLeaseRequest {
            unit_id: id(&form, "unit_id")?,
            tenant_id,
            start_on: field(&form, "start_on").to_owned(),
            end_on: optional(&form, "end_on"),
            rent_minor: number(&form, "rent_minor")?
                .ok_or_else(|| AppError::Validation("rent_minor: required".into()))?,
            currency: field(&form, "currency").to_owned(),
            due_day: number(&form, "due_day")?,
            deposit_minor: number(&form, "deposit_minor")?,
        };
        leases::create(&state.pool, &user, &request).await.map(|_| "created".to_owned())
    }
    .await;
    let echo = ["unit_id", "tenant_email", "start_on", "end_on", "rent_minor", "currency", "due_day", "deposit_minor"];
    back("/manage/leases", result, &form, &echo)
}

async fn end_lease(
    State(state): State<AppState>,
    user: Result<AuthUser, AppError>,
    Path(lease): Path<Uuid>,
    Form(form): Form<Fields>,
) -> Response {
    let Ok(user) = user else { return Redirect::to("/login?next=/manage/leases").into_response() };
    let result = async {
        if field(&form, "confirm") != "yes" {
            return Err(AppError::Validation("confirm: tick the confirmation".into()));
        }
        let request = EndLeaseRequest { end_on: field(&form, "end_on").to_owned() };
        leases::end(&state.pool, &user, lease, &request).await.map(|()| "ended".to_owned())
    }
    .await;
    back("/manage/leases", result, &form, &[])
}

async fn record_payment(
    State(state): State<AppState>,
    user: Result<AuthUser, AppError>,
    Path(invoice): Path<Uuid>,
    Form(form): Form<Fields>,
) -> Response {
    let Ok(user) = user else { return Redirect::to("/login?next=/manage/invoices").into_response() };
    let result = async {
        let request = PaymentRequest {
            amount_minor: number(&form, "amount_minor")?
                .ok_or_else(|| AppError::Validation("amount_minor: required".into()))?,
            received_on: field(&form, "received_on").to_owned(),
            method: field(&form, "method").to_owned(),
            reference: field(&form, "reference").to_owned(),
        };
        payment::record(&state.pool, &user, invoice, &request).await.map(|_| "paid".to_owned())
    }
    .await;
    back("/manage/invoices", result, &form, &[])
}

async fn void_invoice(
    State(state): State<AppState>,
    user: Result<AuthUser, AppError>,
    Path(invoice): Path<Uuid>,
    Form(form): Form<Fields>,
) -> Response {
    let Ok(user) = user else { return Redirect::to("/login?next=/manage/invoices").into_response() };
    let request = VoidRequest { reason: field(&form, "reason").to_owned() };
    let voided = if field(&form, "confirm") == "yes" {
        payment::void(&state.pool, &user, invoice, &request).await
    } else {
        Err(AppError::Validation("confirm: tick the confirmation".into()))
    };
    let result = match voided {
        Ok(_) => Ok("voided".to_owned()),
        // The page words each refusal; the field names which.
        Err(AppError::Conflict(m)) if m.contains("refund") => Err(AppError::Conflict(format!("refund_first: {m}"))),
        Err(AppError::Conflict(m)) => Err(AppError::Conflict(format!("already_void: {m}"))),
        Err(err) => Err(err),
    };
    back("/manage/invoices", result, &form, &[])
}

async fn credit_invoice(
    State(state): State<AppState>,
    user: Result<AuthUser, AppError>,
    Path(invoice): Path<Uuid>,
    Form(form): Form<Fields>,
) -> Response {
    let Ok(user) = user else { return Redirect::to("/login?next=/manage/invoices").into_response() };
    let result = async {
        if field(&form, "confirm") != "yes" {
            return Err(AppError::Validation("confirm: tick the confirmation".into()));
        }
        let request = CreditNoteRequest {
            amount_minor: number(&form, "amount_minor")?
                .ok_or_else(|| AppError::Validation("amount_minor: required".into()))?,
            reason: field(&form, "reason").to_owned(),
        };
        credit_note::issue(&state.pool, &user, invoice, &request).await.map(|_| "credited".to_owned())
    }
    .await;
    back("/manage/invoices", result, &form, &[])
}

async fn refund_payment(
    State(state): State<AppState>,
    user: Result<AuthUser, AppError>,
    Path(payment): Path<Uuid>,
    Form(form): Form<Fields>,
) -> Response {
    let Ok(user) = user else { return Redirect::to("/login?next=/manage/invoices").into_response() };
    let result = async {
        if field(&form, "confirm") != "yes" {
            return Err(AppError::Validation("confirm: tick the confirmation".into()));
        }
        let request = RefundRequest {
            amount_minor: number(&form, "amount_minor")?
                .ok_or_else(|| AppError::Validation("amount_minor: required".into()))?,
            reason: field(&form, "reason").to_owned(),
            refunded_on: optional(&form, "refunded_on"),
        };
        refund::refund(&state.pool, &user, payment, &request).await.map(|_| "refunded".to_owned())
    }
    .await;
    back("/manage/invoices", result, &form, &[])
}

async fn create_property(
    State(state): State<AppState>,
    user: Result<AuthUser, AppError>,
    Form(form): Form<Fields>,
) -> Response {
    let Ok(user) = user else { return Redirect::to("/login?next=/manage/properties").into_response() };
    let result = async {
        let landlord_id = optional(&form, "landlord_id").map(|_| id(&form, "landlord_id")).transpose()?;
        let request = NewPropertyRequest {
            name: field(&form, "name").to_owned(),
            address_line: field(&form, "address_line").to_owned(),
            city: field(&form, "city").to_owned(),
            postal_code: field(&form, "postal_code").to_owned(),
            country: field(&form, "country").to_owned(),
            landlord_id,
        };
        places::create_property(&state.pool, &user, &request).await.map(|_| "property".to_owned())
    }
    .await;
    let echo = ["name", "address_line", "city", "postal_code", "country", "landlord_id"];
    back("/manage/properties", result, &form, &echo)
}

async fn edit_property(
    State(state): State<AppState>,
    user: Result<AuthUser, AppError>,
    Path(property): Path<Uuid>,
    Form(form): Form<Fields>,
) -> Response {
    let Ok(user) = user else { return Redirect::to("/login?next=/manage/properties").into_response() };
    let request = PropertyEditRequest {
        name: field(&form, "name").to_owned(),
        address_line: field(&form, "address_line").to_owned(),
        city: field(&form, "city").to_owned(),
        postal_code: field(&form, "postal_code").to_owned(),
        country: field(&form, "country").to_owned(),
    };
    let result = places::edit_property(&state.pool, &user, property, &request).await.map(|_| "edited".to_owned());
    back("/manage/properties", result, &form, &[])
}

/// A unit's fields, as the new-unit and edit-unit forms post them.
fn unit_request(form: &Fields) -> Result<NewUnitRequest, AppError> {
    Ok(NewUnitRequest {
        label: field(form, "label").to_owned(),
        bedrooms: number(form, "bedrooms")?,
        section: optional(form, "section"),
        floor: optional(form, "floor"),
    })
}

async fn edit_unit(
    State(state): State<AppState>,
    user: Result<AuthUser, AppError>,
    Path(unit): Path<Uuid>,
    Form(form): Form<Fields>,
) -> Response {
    let Ok(user) = user else { return Redirect::to("/login?next=/manage/properties").into_response() };
    let result = async {
        places::edit_unit(&state.pool, &user, unit, &unit_request(&form)?).await.map(|_| "unit_edited".to_owned())
    }
    .await;
    back("/manage/properties", result, &form, &[])
}

async fn create_unit(
    State(state): State<AppState>,
    user: Result<AuthUser, AppError>,
    Path(property): Path<Uuid>,
    Form(form): Form<Fields>,
) -> Response {
    let Ok(user) = user else { return Redirect::to("/login?next=/manage/properties").into_response() };
    let result = async {
        places::create_unit(&state.pool, &user, property, &unit_request(&form)?).await.map(|_| "unit".to_owned())
    }
    .await;
    back("/manage/properties", result, &form, &[])
}

async fn edit_person(
    State(state): State<AppState>,
    user: Result<AuthUser, AppError>,
    Path(person): Path<Uuid>,
    Form(form): Form<Fields>,
) -> Response {
    let Ok(user) = user else { return Redirect::to("/login?next=/manage/people").into_response() };
    let request = ProfileRequest { email: field(&form, "email").to_owned(), name: field(&form, "name").to_owned() };
    let result = profile::edit(&state.pool, &user, person, &request).await.map(|_| "profile".to_owned());
    back("/manage/people", result, &form, &[])
}

async fn invite(State(state): State<AppState>, user: Result<AuthUser, AppError>, Form(form): Form<Fields>) -> Response {
    let Ok(user) = user else { return Redirect::to("/login?next=/manage/people").into_response() };
    let result = async {
        user.require_admin()?;
        let by = Actor::of(&user);
        let name = optional(&form, "name");
        let invited = people::invite(
            &state.pool,
            &state.mailer,
            &state.public_url,
            &by,
            field(&form, "email"),
            field(&form, "role"),
            name.as_deref(),
        )
        .await?;
        // Without a mail server the admin passes the link on (demo installs).
        Ok(match invited.invitation_link {
            Some(link) => format!("invited&link={}", encode(&link)),
            None => "invited".to_owned(),
        })
    }
    .await;
    back("/manage/people", result, &form, &["email", "name"])
}
