//! The HTML shell, the root component and the route table.

use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::components::{FlatRoutes, Route, Router};
use leptos_router::{SsrMode, path};

use crate::components::layout::Layout;
use crate::pages::admin::SystemStatusPage;
use crate::pages::auth::{AccountPage, LoginPage, SetPasswordPage};
use crate::pages::home::HomePage;
use crate::pages::maintenance::{MaintenancePage, MaintenanceTicketPage, NewMaintenanceRequestPage};
use crate::pages::manage::{
    ManageInvoicesPage, ManageLeasesPage, ManagePeoplePage, ManagePropertiesPage, ManageRentRollPage,
};
use crate::pages::not_found::NotFoundPage;
use crate::pages::portal::{ListingPage, PropertiesPage};

/// The document around the app: head, hydration scripts and body.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    crate::components::content_security::apply_to_page();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="theme-color" content="#047857" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body class="min-h-screen bg-slate-50 text-slate-900 antialiased">
                <App />
            </body>
        </html>
    }
}

/// The document title of a page. `<title>` text is written as is on the
/// server, so angle brackets from listing titles (imported text included)
/// are replaced by look-alikes that cannot close the element.
fn page_title(title: String) -> String {
    let safe = title.replace('<', "‹").replace('>', "›");
    if safe.is_empty() { "Marketplace".to_owned() } else { format!("{safe} · Marketplace") }
}

/// The root component: metadata, the router and every page.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Stylesheet id="leptos" href="/pkg/marketplace.css" />
        <Title formatter=page_title />
        <Router>
            <Layout>
                <FlatRoutes fallback=NotFoundPage>
                    <Route path=path!("/") view=HomePage />
                    <Route path=path!("/properties") view=PropertiesPage ssr=SsrMode::Async />
                    <Route path=path!("/properties/:slug") view=ListingPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/system-status") view=SystemStatusPage ssr=SsrMode::Async />
                    <Route path=path!("/login") view=LoginPage />
                    <Route path=path!("/set-password/:token") view=SetPasswordPage ssr=SsrMode::Async />
                    <Route path=path!("/manage") view=ManageLeasesPage ssr=SsrMode::Async />
                    <Route path=path!("/manage/leases") view=ManageLeasesPage ssr=SsrMode::Async />
                    <Route path=path!("/manage/invoices") view=ManageInvoicesPage ssr=SsrMode::Async />
                    <Route path=path!("/manage/properties") view=ManagePropertiesPage ssr=SsrMode::Async />
                    <Route path=path!("/manage/people") view=ManagePeoplePage ssr=SsrMode::Async />
                    <Route path=path!("/manage/rent-roll") view=ManageRentRollPage ssr=SsrMode::Async />
                    <Route path=path!("/account") view=AccountPage ssr=SsrMode::Async />
                    <Route path=path!("/maintenance") view=MaintenancePage ssr=SsrMode::Async />
                    <Route path=path!("/maintenance/new") view=NewMaintenanceRequestPage ssr=SsrMode::Async />
                    <Route path=path!("/maintenance/:id") view=MaintenanceTicketPage ssr=SsrMode::Async />
                </FlatRoutes>
            </Layout>
        </Router>
    }
}

#[cfg(test)]
mod tests {
    use super::page_title;

    #[test]
    fn a_title_cannot_close_the_title_element() {
        let title = page_title("Studio </title><script>alert(1)</script>".into());
        assert!(!title.contains('<') && !title.contains('>'));
        assert_eq!(page_title(String::new()), "Marketplace");
    }
}
