//! The upstream checks: our database next to Kill Bill's healthcheck, Condo
//! (reachable and signed in) and Cocorico's database, run at the same time,
//! each with a short timeout, so an admin sees at once whose side fails.

use sqlx::PgPool;
use std::future::Future;
use std::time::{Duration, Instant};

use crate::domain::Platform;
use crate::model::system_status::{CheckState, CheckTarget, UpstreamCheck};
use crate::server::adapters::cocorico::{self, CocoricoSettings};
use crate::server::adapters::condo::{CondoError, HttpCondoClient};
use crate::server::adapters::killbill::{HttpKillBillClient, KillBillClient};
use crate::server::jobs::{Integrations, SyncSettings};

/// The longest a check may take.
pub const CHECK_TIMEOUT: Duration = Duration::from_secs(3);
/// After Condo refused our sign-in, how long the check waits before signing in again:
/// Condo allows only a few sign-ins per hour.
const CONDO_SIGN_IN_BACKOFF: Duration = Duration::from_secs(15 * 60);

/// Every check, ours first.
pub async fn run_checks(pool: &PgPool, settings: &SyncSettings, clients: &Integrations) -> Vec<UpstreamCheck> {
    let (ours, killbill, condo, cocorico) = tokio::join!(
        check_database(pool),
        check_killbill(clients.killbill()),
        check_condo(clients.condo()),
        check_cocorico(settings.cocorico.as_ref()),
    );
    vec![ours, killbill, condo, cocorico]
}

/// Runs `check` within [`CHECK_TIMEOUT`] and measures it.
async fn timed<T, E: std::fmt::Display>(check: impl Future<Output = Result<T, E>>) -> (Result<T, String>, Option<i64>) {
    let started = Instant::now();
    let result = match tokio::time::timeout(CHECK_TIMEOUT, check).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(err)) => Err(err.to_string()),
        Err(_) => Err(format!("no answer within {} s", CHECK_TIMEOUT.as_secs())),
    };
    (result, i64::try_from(started.elapsed().as_millis()).ok())
}

fn up(target: CheckTarget, name: &str, latency_ms: Option<i64>, message: String) -> UpstreamCheck {
    UpstreamCheck { target, name: name.to_owned(), state: CheckState::Up, latency_ms, message, detail: None }
}

fn down(target: CheckTarget, name: &str, latency_ms: Option<i64>, message: &str, detail: String) -> UpstreamCheck {
    let (state, message) = (CheckState::Down, message.to_owned());
    UpstreamCheck { target, name: name.to_owned(), state, latency_ms, message, detail: Some(detail) }
}

fn not_configured(platform: Platform, name: &str) -> UpstreamCheck {
    UpstreamCheck {
        target: CheckTarget::Upstream(platform),
        name: name.to_owned(),
        state: CheckState::NotConfigured,
        latency_ms: None,
        message: format!("{} is not configured (see .env.example)", platform.display_name()),
        detail: None,
    }
}

async fn check_database(pool: &PgPool) -> UpstreamCheck {
    let name = "Our database (PostgreSQL)";
    match timed(crate::server::store::database::ping(pool)).await {
        (Ok(_), ms) => up(CheckTarget::Ours, name, ms, "Our database answers".into()),
        (Err(detail), ms) => down(CheckTarget::Ours, name, ms, "Our database does not answer", detail),
    }
}

async fn check_killbill(client: Option<&HttpKillBillClient>) -> UpstreamCheck {
    let name = "Kill Bill healthcheck";
    let Some(client) = client else { return not_configured(Platform::KillBill, name) };
    let target = CheckTarget::Upstream(Platform::KillBill);
    match timed(client.healthcheck()).await {
        (Ok(()), ms) => up(target, name, ms, "Kill Bill is up".into()),
        (Err(detail), ms) => down(target, name, ms, "Kill Bill is down", detail),
    }
}

/// Checks that Condo answers and accepts the shared client's session. After
/// Condo refused a sign-in, the check does not sign in again for
/// [`CONDO_SIGN_IN_BACKOFF`]: Condo allows few sign-ins per hour.
async fn check_condo(client: Option<&HttpCondoClient>) -> UpstreamCheck {
    let name = "Condo API and sign-in";
    let Some(client) = client else { return not_configured(Platform::Condo, name) };
    let target = CheckTarget::Upstream(Platform::Condo);
    if let Some((ago, detail)) = client.refused_within(CONDO_SIGN_IN_BACKOFF) {
        let wait = (CONDO_SIGN_IN_BACKOFF - ago).as_secs() / 60 + 1;
        let detail = format!("{detail} (not retried for {wait} min: Condo allows few sign-ins per hour)");
        return down(target, name, None, "Condo refused our credentials", detail);
    }
    let started = Instant::now();
    let result = match tokio::time::timeout(CHECK_TIMEOUT, client.signed_in_user()).await {
        Ok(result) => result,
        Err(_) => Err(CondoError::Timeout { timeout_ms: CHECK_TIMEOUT.as_millis() }),
    };
    let ms = i64::try_from(started.elapsed().as_millis()).ok();
    match result {
        Ok(_) => up(target, name, ms, "Condo answers and accepts our session".into()),
        Err(err) => {
            let message = match &err {
                CondoError::Unauthenticated | CondoError::SignInRefused { .. } => "Condo refused our credentials",
                _ => "Condo is down",
            };
            down(target, name, ms, message, err.to_string())
        }
    }
}

async fn check_cocorico(settings: Option<&CocoricoSettings>) -> UpstreamCheck {
    let name = "Cocorico database";
    let Some(settings) = settings else { return not_configured(Platform::Cocorico, name) };
    let target = CheckTarget::Upstream(Platform::Cocorico);
    match timed(cocorico::ping(&settings.database_url)).await {
        (Ok(()), ms) => up(target, name, ms, "Cocorico's database answers".into()),
        (Err(detail), ms) => {
            let message = if detail.starts_with("Cocorico's database refused") {
                "Cocorico's database refused our account"
            } else {
                "Cocorico's database is unreachable"
            };
            down(target, name, ms, message, detail)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::adapters::condo::CondoSettings;
    use crate::server::adapters::killbill::KillBillSettings;

    #[sqlx::test(migrations = "../migrations")]
    async fn unconfigured_platforms_are_said_so_and_our_database_answers(pool: PgPool) {
        let checks = run_checks(&pool, &SyncSettings::default(), &Integrations::default()).await;
        assert_eq!(checks.len(), 4);
        assert_eq!(checks[0].target, CheckTarget::Ours);
        assert_eq!(checks[0].state, CheckState::Up);
        assert!(checks[1..].iter().all(|c| c.state == CheckState::NotConfigured));
    }

    #[tokio::test]
    async fn a_kill_bill_that_is_down_shows_as_down_with_the_detail() {
        let config = sandbox::killbill::KillBillConfig::ephemeral();
        let running = sandbox::killbill::spawn(config).await.unwrap();
        let settings = KillBillSettings::from_lookup(&|k| match k {
            "KILLBILL_URL" => Some(running.base_url()),
            "KILLBILL_API_KEY" => Some("k".into()),
            "KILLBILL_API_SECRET" => Some("s".into()),
            _ => None,
        })
        .unwrap()
        .unwrap();
        let client = HttpKillBillClient::new(&settings).unwrap();
        assert_eq!(check_killbill(Some(&client)).await.state, CheckState::Up);
        running.set_faults(sandbox::killbill::Faults { down: true, ..Default::default() }).unwrap();
        let check = check_killbill(Some(&client)).await;
        assert_eq!(check.state, CheckState::Down);
        assert_eq!(check.message, "Kill Bill is down");
        assert!(check.detail.unwrap().contains("500"));
    }

    #[tokio::test]
    async fn an_address_nobody_listens_on_is_down_within_the_timeout() {
        let client = HttpCondoClient::new(CondoSettings::new("http://127.0.0.1:9", "+70000000000", "pw")).unwrap();
        let started = Instant::now();
        let check = check_condo(Some(&client)).await;
        assert_eq!(check.state, CheckState::Down);
        assert_eq!(check.message, "Condo is down");
        assert!(started.elapsed() <= CHECK_TIMEOUT + Duration::from_millis(500));
    }

    #[tokio::test]
    async fn condo_is_up_when_signed_in_and_a_refused_sign_in_is_not_retried_at_once() {
        let condo = sandbox::condo::spawn(sandbox::condo::CondoConfig::default()).await.unwrap();
        let credentials = sandbox::condo::Credentials::default();
        let good =
            HttpCondoClient::new(CondoSettings::new(&condo.base_url(), &credentials.phone, &credentials.password))
                .unwrap();
        let check = check_condo(Some(&good)).await;
        assert_eq!((check.state, check.message.as_str()), (CheckState::Up, "Condo answers and accepts our session"));

        let bad =
            HttpCondoClient::new(CondoSettings::new(&condo.base_url(), "+70000000001", "not the password")).unwrap();
        let first = check_condo(Some(&bad)).await;
        assert_eq!((first.state, first.message.as_str()), (CheckState::Down, "Condo refused our credentials"));
        let again = check_condo(Some(&bad)).await;
        assert_eq!(again.state, CheckState::Down);
        assert!(again.detail.unwrap().contains("not retried"), "no second sign-in right away");
        assert_eq!(check_condo(Some(&good)).await.state, CheckState::Up, "the good account is not held back");
    }
}
