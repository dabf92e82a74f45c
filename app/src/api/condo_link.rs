//! Condo property links, managed from the admin panel: which of our
//! properties is which Condo property. Admins only.

use leptos::prelude::*;

use crate::model::AppError;
use crate::model::condo_link::CondoLinks;

/// Every link and the properties left to link.
#[server(endpoint = "admin/condo-links")]
pub async fn list_condo_links() -> Result<CondoLinks, AppError> {
    // Rendered on the server too: the page sets its own status then.
    let (_, state) = crate::server::system_status::control::admin_context()?;
    crate::server::condo_link::list_links(&state.pool).await
}

/// Links one of our properties to a Condo property; the next Condo run
/// re-reads every ticket so this property's come in.
#[server(endpoint = "admin/condo-links/add")]
pub async fn link_condo_property(property_id: String, condo_property_id: String) -> Result<(), AppError> {
    use crate::server::system_status::control;
    control::with_status(
        async {
            let (admin, state) = control::admin_context()?;
            crate::server::condo_link::link(&state.pool, &property_id, &condo_property_id, Some(admin.user_id))
                .await
                .map(drop)
        }
        .await,
    )
}

/// Removes a Condo property's link; its tickets stay, later changes are no longer imported.
#[server(endpoint = "admin/condo-links/remove")]
pub async fn unlink_condo_property(condo_property_id: String) -> Result<(), AppError> {
    use crate::server::system_status::control;
    control::with_status(
        async {
            let (admin, state) = control::admin_context()?;
            crate::server::condo_link::unlink(&state.pool, &condo_property_id, Some(admin.user_id)).await
        }
        .await,
    )
}
