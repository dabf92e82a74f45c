//! `marketplace users add|list|disable|reset-password`.

use anyhow::Context;
use clap::Subcommand;

use crate::config::Config;

/// What `marketplace users` does.
#[derive(Debug, Subcommand)]
pub enum UsersAction {
    /// Adds a person; with --password-stdin the password is read from standard input,
    /// otherwise an invitation link is mailed (and printed when no SMTP server is set).
    Add {
        #[arg(long)]
        email: String,
        /// admin, landlord or tenant.
        #[arg(long)]
        role: String,
        #[arg(long)]
        name: Option<String>,
        /// Read the password from standard input (one line) instead of sending a link.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Lists people (e-mail, role, state, name).
    List {
        /// Only this role.
        #[arg(long)]
        role: Option<String>,
    },
    /// Disables a person: they cannot sign in any more and their sessions end.
    Disable {
        #[arg(long)]
        email: String,
    },
    /// Mails a single-use password-reset link (printed when no SMTP server is set).
    ResetPassword {
        #[arg(long)]
        email: String,
    },
}

/// `marketplace users add|list|disable|reset-password`: the same services as
/// the back office, recorded in the audit log as `cli`.
pub async fn run(config: Config, action: UsersAction) -> anyhow::Result<()> {
    use app::model::people::PeopleQuery;
    use app::server::audit::Actor;
    use app::server::mail::Mailer;
    use app::server::people;
    use std::io::BufRead as _;

    let pool = app::server::db::connect(config.database_url.expose(), 2).await?;
    app::server::db::migrate(&pool).await?;
    let mailer = Mailer::new(&config.mail)?;
    let public_url = config.public_url.trim_end_matches('/');
    let by = Actor::cli();
    match action {
        UsersAction::Add { email, role, name, password_stdin: true } => {
            let mut password = String::new();
            std::io::stdin().lock().read_line(&mut password).context("reading the password from standard input")?;
            let password = password.trim_end_matches(['\r', '\n']);
            let person = people::add_with_password(&pool, &by, &email, &role, name.as_deref(), password).await?;
            println!("added {} ({}), who can sign in now", person.email, person.role);
        }
        UsersAction::Add { email, role, name, password_stdin: false } => {
            let invited = people::invite(&pool, &mailer, public_url, &by, &email, &role, name.as_deref()).await?;
            match invited.invitation_link {
                Some(link) => {
                    println!("invited {}; no SMTP server is set, so pass on this link:\n{link}", invited.person.email)
                }
                None => println!("invited {}; the link is in their mailbox", invited.person.email),
            }
        }
        UsersAction::List { role } => {
            let mut page = 1;
            loop {
                let query = PeopleQuery { role: role.clone(), q: None, page: Some(page) };
                let people = people::list(&pool, &query).await?;
                for p in &people {
                    println!("{}\t{}\t{:?}\t{}", p.email, p.role, p.state, p.name);
                }
                if people.len() < 50 {
                    break;
                }
                page += 1;
            }
        }
        UsersAction::Disable { email } => {
            people::disable(&pool, &by, &email).await?;
            println!("disabled {email}; their sessions are revoked");
        }
        UsersAction::ResetPassword { email } => {
            match people::send_reset(&pool, &mailer, public_url, &by, &email).await? {
                Some(link) => println!("no SMTP server is set; pass on this link:\n{link}"),
                None => println!("a reset link is in {email}'s mailbox"),
            }
        }
    }
    Ok(())
}
