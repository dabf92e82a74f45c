//! `marketplace ledger void|credit|refund`: the back office's corrections from the
//! command line, through the same services (checks, locks, audit log as `cli`).
//! Invoices are named by number and payments by their reference, as people
//! know them.

use clap::Subcommand;

use crate::config::Config;

/// What `marketplace ledger` does.
#[derive(Debug, Subcommand)]
pub enum LedgerAction {
    /// Voids an invoice with nothing paid on it (net of refunds).
    Void {
        /// The invoice's number, e.g. 2026-000123.
        #[arg(long)]
        invoice: String,
        /// Why (1 to 500 characters).
        #[arg(long)]
        reason: String,
    },
    /// Issues a credit note taking part of an invoice back (at most what is
    /// still due on it).
    Credit {
        /// The invoice's number, e.g. 2026-000123.
        #[arg(long)]
        invoice: String,
        /// The amount taken back, in minor units.
        #[arg(long)]
        amount_minor: i64,
        /// Why (1 to 500 characters).
        #[arg(long)]
        reason: String,
    },
    /// Gives back part or all of a payment.
    Refund {
        /// The payment's bank or receipt reference.
        #[arg(long)]
        payment: String,
        /// The amount given back, in minor units.
        #[arg(long)]
        amount_minor: i64,
        /// Why (1 to 500 characters).
        #[arg(long)]
        reason: String,
        /// The day it was given back, YYYY-MM-DD (today when absent).
        #[arg(long)]
        refunded_on: Option<String>,
    },
}

/// Runs `marketplace ledger …`; a refusal is an error saying why (exit 1).
pub async fn run(config: Config, action: LedgerAction) -> anyhow::Result<()> {
    use app::domain::Money;
    use app::model::payment::{CreditNoteRequest, RefundRequest, VoidRequest};
    use app::server::audit::Actor;
    use app::server::store::refund as store;
    use app::server::{credit_note, payment, refund};

    let pool = app::server::db::connect(config.database_url.expose(), 2).await?;
    app::server::db::migrate(&pool).await?;
    let by = Actor::cli();
    match action {
        LedgerAction::Void { invoice, reason } => {
            let id = store::invoice_id_by_number(&pool, &invoice)
                .await?
                .ok_or_else(|| anyhow::anyhow!("no invoice is numbered {invoice}"))?;
            let voided = payment::void_by(&pool, None, &by, id, &VoidRequest { reason }).await?;
            println!("invoice {} is void; the next Kill Bill mirror voids it there too", voided.number);
        }
        LedgerAction::Credit { invoice, amount_minor, reason } => {
            let id = store::invoice_id_by_number(&pool, &invoice)
                .await?
                .ok_or_else(|| anyhow::anyhow!("no invoice is numbered {invoice}"))?;
            let note = credit_note::issue_by(&pool, None, &by, id, &CreditNoteRequest { amount_minor, reason }).await?;
            let money = |minor| Money::from_parts(minor, &note.currency).map_or(minor.to_string(), |m| m.to_string());
            println!(
                "credit note {} takes {} off invoice {invoice}; {} is left to pay on it",
                note.number,
                money(note.amount_minor),
                money(note.outstanding_minor)
            );
        }
        LedgerAction::Refund { payment, amount_minor, reason, refunded_on } => {
            let id = store::payment_id_by_reference(&pool, &payment)
                .await?
                .ok_or_else(|| anyhow::anyhow!("no payment has the reference {payment}"))?;
            let request = RefundRequest { amount_minor, reason, refunded_on };
            let done = refund::refund_by(&pool, None, &by, id, &request).await?;
            let money = |minor| Money::from_parts(minor, &done.currency).map_or(minor.to_string(), |m| m.to_string());
            println!(
                "refunded {} of payment {payment} ({} refunded in all); {} is left to pay on its invoice",
                money(done.amount_minor),
                money(done.refunded_minor),
                money(done.outstanding_minor)
            );
        }
    }
    Ok(())
}
