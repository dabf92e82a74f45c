//! Tenants file maintenance requests and people comment on tickets: validated here, stored
//! with their outbox rows in one transaction, then sent to Condo by the `condo_outbox` job
//! (asked for at once; its schedule retries).

use sqlx::PgPool;
use uuid::Uuid;

use crate::domain::request_input::{
    self, MAX_COMMENT_CHARS, MAX_DESCRIPTION_CHARS, MAX_PHOTO_BYTES, MAX_PHOTOS, MAX_VISITING_HOURS_CHARS,
};
use crate::domain::{Job, Role, condo_marker};
use crate::model::AppError;
use crate::model::maintenance_request::{
    CategoryChoice, CommentAdded, RequestFiled, RequestForm, SendState, Sending, UnitChoice,
};
use crate::server::auth::AuthUser;
use crate::server::store::maintenance_request::{self as store, NewComment, NewPhoto, NewRequest, RentedUnit};
use crate::server::store::maintenance_ticket::list::{TicketScope, find_ticket};
use crate::server::store::sync_request::{self, Requester};
use crate::server::store::{app_user, condo_outbox};

/// A request as sent, before validation.
#[derive(Debug, Clone, Default)]
pub struct RequestInput {
    /// The unit (our id as text); may be left out when the tenant rents one.
    pub unit: Option<String>,
    /// Condo's classifier id.
    pub category: Option<String>,
    /// What is wrong.
    pub description: String,
    /// Whether it is an emergency.
    pub emergency: bool,
    /// When someone can come in.
    pub visiting_hours: Option<String>,
    /// The photos: (name as sent, bytes).
    pub photos: Vec<(String, Vec<u8>)>,
}

/// The tenant's choices for the request form.
pub async fn request_form(pool: &PgPool, user: &AuthUser) -> Result<RequestForm, AppError> {
    let tenant = tenant_of(user)?;
    let units = store::rented_units(pool, tenant).await?;
    let categories = store::list_categories(pool).await?;
    Ok(RequestForm {
        units: units.into_iter().map(unit_choice).collect(),
        categories: categories
            .into_iter()
            .map(|c| {
                let parts = [c.place, c.category, c.problem];
                let label = parts.into_iter().flatten().filter(|p| !p.is_empty()).collect::<Vec<_>>().join(" · ");
                CategoryChoice { label: if label.is_empty() { c.id.clone() } else { label }, id: c.id }
            })
            .collect(),
        max_photos: MAX_PHOTOS,
        max_photo_mib: MAX_PHOTO_BYTES / (1024 * 1024),
        max_description: MAX_DESCRIPTION_CHARS,
    })
}

fn unit_choice(u: RentedUnit) -> UnitChoice {
    UnitChoice {
        id: u.unit_id,
        label: format!("{}, {}", u.property_name, u.unit_label),
        linked: u.condo_property_id.is_some(),
    }
}

fn tenant_of(user: &AuthUser) -> Result<Uuid, AppError> {
    match (user.role, user.tenant_id) {
        (Role::Tenant, Some(tenant)) => Ok(tenant),
        _ => Err(AppError::Forbidden),
    }
}

/// Files a request for the signed-in tenant; nothing is stored or sent when any part is refused.
pub async fn file_request(pool: &PgPool, user: &AuthUser, input: RequestInput) -> Result<RequestFiled, AppError> {
    let tenant = tenant_of(user)?;
    let description = request_input::required_text("description", &input.description, MAX_DESCRIPTION_CHARS)
        .map_err(AppError::Validation)?;
    let visiting_hours = match input.visiting_hours.as_deref().map(str::trim).filter(|h| !h.is_empty()) {
        Some(hours) => Some(
            request_input::required_text("visiting_hours", hours, MAX_VISITING_HOURS_CHARS)
                .map_err(AppError::Validation)?,
        ),
        None => None,
    };
    if input.photos.len() > MAX_PHOTOS {
        return Err(AppError::Validation(format!(
            "photos: {} were sent; a request takes at most {MAX_PHOTOS}",
            input.photos.len()
        )));
    }
    let mut photos = Vec::with_capacity(input.photos.len());
    for (index, (name, bytes)) in input.photos.into_iter().enumerate() {
        let kind = request_input::check_photo(index + 1, &name, &bytes)
            .map_err(|e| AppError::Validation(format!("photos: {e}")))?;
        let id = Uuid::new_v4();
        photos.push(NewPhoto {
            id,
            filename: condo_marker::file_name(id, kind.extension()),
            content_type: kind.content_type().to_owned(),
            bytes,
        });
    }
    let category = match input.category.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        Some(id) if store::category_exists(pool, id).await? => Some(id.to_owned()),
        Some(_) => return Err(AppError::Validation("category: no such category; choose one from the list".into())),
        None => None,
    };
    let unit = choose_unit(pool, tenant, input.unit.as_deref()).await?;
    if unit.condo_property_id.is_none() {
        return Err(AppError::Conflict(format!(
            "{} is not linked to Condo, so a request cannot reach the building's staff yet; please call your landlord",
            unit.property_name
        )));
    }
    let request = NewRequest {
        id: Uuid::new_v4(),
        tenant_id: tenant,
        unit_id: unit.unit_id,
        property_id: unit.property_id,
        title: request_input::title_of(&description),
        details: description,
        category_id: category,
        emergency: input.emergency,
        visiting_hours,
    };
    let mut tx = pool.begin().await?;
    store::insert_request(&mut tx, &request, &photos).await?;
    tx.commit().await?;
    tracing::info!(request = %request.id, photos = photos.len(), "maintenance request filed");
    ask_for_sending(pool).await;
    Ok(RequestFiled {
        id: request.id,
        url: format!("/maintenance/{}", request.id),
        title: request.title,
        photos: photos.len(),
        sending: Sending { state: SendState::Waiting, reason: None },
    })
}

/// The unit a request is for: the one named (it must be rented by the tenant today), else
/// the only one the tenant rents.
async fn choose_unit(pool: &PgPool, tenant: Uuid, unit: Option<&str>) -> Result<RentedUnit, AppError> {
    let units = store::rented_units(pool, tenant).await?;
    match unit.map(str::trim).filter(|u| !u.is_empty()) {
        Some(raw) => {
            let id = Uuid::parse_str(raw).map_err(|_| AppError::Validation("unit: not a unit id".into()))?;
            units.into_iter().find(|u| u.unit_id == id).ok_or_else(|| {
                AppError::Validation("unit: you do not rent this unit today; choose one of your homes".into())
            })
        }
        None => match units.len() {
            0 => Err(AppError::Conflict("You rent no home today, so there is nothing to report a problem in".into())),
            1 => Ok(units.into_iter().next().ok_or(AppError::NotFound)?),
            n => Err(AppError::Validation(format!("unit: you rent {n} homes; say which one the request is for"))),
        },
    }
}

/// Asks for an outbox run now; if that fails, the job's schedule sends within a minute.
async fn ask_for_sending(pool: &PgPool) {
    if let Err(err) = sync_request::enqueue(pool, Job::CondoOutbox, Requester::Outbox).await {
        tracing::warn!(error = %err, "could not ask for a Condo outbox run; the schedule will send it");
    }
}

/// Adds a comment to a ticket the caller can see. A tenant's comment is always for
/// residents; a landlord or admin chooses (default: the tenant sees it).
pub async fn add_comment(
    pool: &PgPool,
    user: &AuthUser,
    ticket: &str,
    content: &str,
    for_residents: Option<bool>,
) -> Result<CommentAdded, AppError> {
    let scope = user.ticket_scope()?;
    let ticket_id = Uuid::parse_str(ticket.trim()).map_err(|_| AppError::NotFound)?;
    let found = find_ticket(pool, scope, ticket_id).await?.ok_or(AppError::NotFound)?;
    let content = request_input::required_text("content", content, MAX_COMMENT_CHARS).map_err(AppError::Validation)?;
    let for_residents = match (scope, for_residents) {
        (TicketScope::Tenant(_), Some(false)) => {
            return Err(AppError::Validation(
                "for_residents: a tenant's comment is always visible to the building's staff and to you".into(),
            ));
        }
        (TicketScope::Tenant(_), _) => true,
        (_, choice) => choice.unwrap_or(true),
    };
    let author = app_user::find_user(pool, user.user_id).await?.map(|u| u.display_name);
    let comment = NewComment {
        id: Uuid::new_v4(),
        ticket_id,
        for_residents,
        content,
        author_id: user.user_id,
        author_name: author.unwrap_or_else(|| "Marketplace".into()),
    };
    let to_condo = found.source == "condo";
    let mut tx = pool.begin().await?;
    store::insert_comment(&mut tx, &comment, to_condo).await?;
    tx.commit().await?;
    if to_condo {
        ask_for_sending(pool).await;
    }
    Ok(CommentAdded {
        id: comment.id,
        ticket_id,
        for_residents,
        sending: to_condo.then_some(Sending { state: SendState::Waiting, reason: None }),
    })
}

/// The sending state of a ticket's own record and of each of its photos and comments, by id.
pub async fn sending_of(pool: &PgPool, ticket_id: Uuid) -> Result<Vec<(Uuid, Sending)>, AppError> {
    let rows = condo_outbox::states_of_ticket(pool, ticket_id).await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.id, Sending { state: SendState::from_outbox(&r.state), reason: r.reason }))
        .collect())
}
