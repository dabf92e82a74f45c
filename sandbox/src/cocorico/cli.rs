//! `sandbox cocorico load …`: loads a generated Cocorico database from the
//! command line and prints a one-line summary.

use super::access::Secret;
use super::dataset::TimeUnit;
use super::load::{LoadOptions, load};
use super::scratch::admin_url_from_env;

/// Default name of the variable holding the read-only password.
const PASSWORD_ENV: &str = "COCORICO_RO_PASSWORD";

const USAGE: &str = "usage: sandbox cocorico load [--admin-url URL] [--database cocorico] \
[--listings 120] [--seed 42] [--time-unit day|hour] [--ro-user cocorico_ro] \
[--ro-password-env COCORICO_RO_PASSWORD]
       sandbox cocorico serve [--listen 127.0.0.1:3190]

load: drops and recreates the database, loads generated listings, and creates the
read-only account with the password read from the named environment variable
(required; it is never printed). The admin URL defaults to $COCORICO_ADMIN_URL,
else mysql://root@127.0.0.1:3306.

serve: serves the listings' images where Cocorico's site does
(/uploads/listings/images/{name}); point COCORICO_BASE_URL at it.";

/// Command-line entry point: `sandbox cocorico [args…]`.
pub fn cli_main(args: Vec<String>) -> anyhow::Result<()> {
    match args.split_first() {
        Some((command, rest)) if command == "load" => {
            let (mut options, password_env) = parse_load(rest)?;
            options.ro_password = read_password(&password_env)?;
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
            let report = runtime.block_on(load(options))?;
            println!("{}", report.summary_line());
            Ok(())
        }
        Some((command, rest)) if command == "serve" => {
            let listen = parse_listen(rest)?;
            let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build()?;
            runtime.block_on(super::images::serve(listen, |addr| {
                use std::io::Write;
                let mut stdout = std::io::stdout();
                let _ = writeln!(stdout, "listening on http://{addr}");
                let _ = stdout.flush();
            }))
        }
        Some((command, _)) if command == "help" || command == "--help" => {
            println!("{USAGE}");
            Ok(())
        }
        _ => anyhow::bail!("{USAGE}"),
    }
}

/// The password from the environment variable `name`; refuses an unset or
/// empty one rather than inventing a password nobody could read back.
fn read_password(name: &str) -> anyhow::Result<Secret> {
    match std::env::var(name) {
        Ok(password) if !password.is_empty() => Ok(Secret::new(password)),
        _ => anyhow::bail!(
            "{name} is not set: export the read-only password first, e.g. \
             `export {name}=$(openssl rand -hex 16)`"
        ),
    }
}

/// Parses the `load` flags into options (password still empty) and the name
/// of the password variable. Accepts `--flag value` and `--flag=value`.
fn parse_load(args: &[String]) -> anyhow::Result<(LoadOptions, String)> {
    let mut options = LoadOptions { admin_url: admin_url_from_env(), ..LoadOptions::default() };
    let mut password_env = PASSWORD_ENV.to_owned();
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) => (flag, Some(value.to_owned())),
            None => (arg.as_str(), None),
        };
        let value = match inline {
            Some(value) => value,
            None => rest.next().cloned().ok_or_else(|| anyhow::anyhow!("{flag} needs a value\n{USAGE}"))?,
        };
        match flag {
            "--admin-url" => options.admin_url = Secret::new(value),
            "--database" => options.database = value,
            "--listings" => options.listings = value.parse()?,
            "--seed" => options.seed = value.parse()?,
            "--time-unit" => options.time_unit = parse_time_unit(&value)?,
            "--ro-user" => options.ro_user = value,
            "--ro-password-env" => password_env = value,
            _ => anyhow::bail!("unknown flag {flag}\n{USAGE}"),
        }
    }
    Ok((options, password_env))
}

/// `--listen ADDR` (or `--listen=ADDR`); 127.0.0.1:3190 when absent.
fn parse_listen(args: &[String]) -> anyhow::Result<std::net::SocketAddr> {
    let value = match args {
        [] => "127.0.0.1:3190".to_owned(),
        [flag, value] if flag == "--listen" => value.clone(),
        [flag] if flag.starts_with("--listen=") => flag["--listen=".len()..].to_owned(),
        _ => anyhow::bail!("{USAGE}"),
    };
    value.parse().map_err(|_| anyhow::anyhow!("--listen must be an address like 127.0.0.1:3190, not {value:?}"))
}

fn parse_time_unit(value: &str) -> anyhow::Result<TimeUnit> {
    match value {
        "day" | "1440" => Ok(TimeUnit::Day),
        "hour" | "60" => Ok(TimeUnit::Hour),
        _ => anyhow::bail!("--time-unit is day (1440) or hour (60), not {value:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::parse_load;
    use crate::cocorico::{ADMIN_URL_ENV, TimeUnit};

    fn args(text: &str) -> Vec<String> {
        text.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn load_flags_override_the_defaults() {
        let (options, env) = parse_load(&args(
            "--database demo --listings 500 --seed=7 --time-unit hour --ro-user reader --ro-password-env PW",
        ))
        .expect("valid flags");
        assert_eq!((options.database.as_str(), options.listings, options.seed), ("demo", 500, 7));
        assert_eq!((options.time_unit, options.ro_user.as_str(), env.as_str()), (TimeUnit::Hour, "reader", "PW"));
        assert!(options.ro_password.expose().is_empty());
    }

    #[test]
    fn without_flags_the_defaults_apply() {
        let (options, env) = parse_load(&[]).expect("no flags");
        assert_eq!((options.database.as_str(), options.listings, options.seed), ("cocorico", 120, 42));
        assert_eq!((options.ro_user.as_str(), env.as_str()), ("cocorico_ro", "COCORICO_RO_PASSWORD"));
        if std::env::var(ADMIN_URL_ENV).is_err() {
            assert_eq!(options.admin_url.expose(), "mysql://root@127.0.0.1:3306");
        }
    }

    #[test]
    fn serve_listens_where_asked() {
        use super::parse_listen;
        assert_eq!(parse_listen(&[]).unwrap().to_string(), "127.0.0.1:3190");
        assert_eq!(parse_listen(&args("--listen 127.0.0.1:0")).unwrap().port(), 0);
        assert_eq!(parse_listen(&args("--listen=127.0.0.1:4000")).unwrap().port(), 4000);
        assert!(parse_listen(&args("--listen nowhere")).is_err());
        assert!(parse_listen(&args("--port 1")).is_err());
    }

    #[test]
    fn unknown_flags_and_missing_values_are_errors() {
        assert!(parse_load(&args("--colour red")).is_err());
        assert!(parse_load(&args("--listings")).is_err());
        assert!(parse_load(&args("--listings many")).is_err());
        assert!(parse_load(&args("--time-unit week")).is_err());
    }
}
