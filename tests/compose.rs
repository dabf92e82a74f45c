//! `docker-compose.yml`, checked without a container engine.
//!
//! The file must validate against the Compose specification's JSON schema
//! (`../shared/contracts/compose/compose-spec.json`), and its wiring must hold
//! for every way it is started (no profile, `platforms`, `sandbox`,
//! `platforms` + `kaui`): every address the Marketplace is configured with
//! (its `environment` over the committed `infra/env/*.env.example` templates)
//! names a running service on `marketplace-net` that exposes that port and is
//! told to listen on it; every dependency, volume, network and env file is
//! declared; secrets only come from env files; the public key is mounted
//! read-only; the templates agree on shared credentials. Each check is also
//! run on broken copies, which it must refuse.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

/// The network every service joins.
const NETWORK: &str = "marketplace-net";
/// Where the Marketplace's public key is mounted from.
const PUBLIC_KEY: &str = "./infra/keys/public.pem";
/// Variables of `.env.example` only the scripts read, never the server.
const SCRIPT_ONLY_VARIABLES: &[&str] = &["MARKETPLACE_PG_PORT"];
/// The ways the stack is started, as the README documents them.
const PROFILE_SETS: &[&[&str]] = &[&[], &["platforms"], &["sandbox"], &["platforms", "kaui"]];

// ------------------------------------------------------------------ loading

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// A Compose file as JSON, with YAML merge keys (`<<: *anchor`) applied as Compose applies them.
fn parse_compose(text: &str) -> Value {
    let mut yaml: serde_norway::Value = serde_norway::from_str(text).expect("docker-compose.yml is valid YAML");
    yaml.apply_merge().expect("the merge keys of docker-compose.yml resolve");
    serde_json::to_value(yaml).expect("docker-compose.yml maps to JSON")
}

fn compose_file() -> Value {
    parse_compose(&read(&repo().join("docker-compose.yml")))
}

/// The committed template of every env file the Compose file names, by env file path.
/// A missing template is left out (and reported by [`static_problems`]).
fn templates_for(compose: &Value) -> BTreeMap<String, String> {
    services(compose)
        .flat_map(|(_, service)| env_files(service))
        .filter_map(|path| {
            let template = repo().join(format!("{path}.example"));
            template.is_file().then(|| (path.clone(), read(&template)))
        })
        .collect()
}

// ------------------------------------------------------------ Compose model

fn services(compose: &Value) -> impl Iterator<Item = (&String, &Value)> {
    compose["services"].as_object().into_iter().flatten()
}

/// A list of strings, or the keys of a mapping (`networks`, `depends_on`).
fn names(value: &Value) -> Vec<String> {
    match value {
        Value::Array(items) => items.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect(),
        Value::Object(map) => map.keys().cloned().collect(),
        Value::String(s) => vec![s.clone()],
        _ => Vec::new(),
    }
}

fn profiles(service: &Value) -> Vec<String> {
    names(&service["profiles"])
}

/// A service runs when it has no profile or one of its profiles is enabled.
fn is_active(service: &Value, enabled: &[&str]) -> bool {
    let own = profiles(service);
    own.is_empty() || own.iter().any(|p| enabled.contains(&p.as_str()))
}

fn env_files(service: &Value) -> Vec<String> {
    match &service["env_file"] {
        Value::String(path) => vec![path.clone()],
        Value::Array(items) => {
            items.iter().filter_map(|item| item.as_str().or_else(|| item["path"].as_str()).map(str::to_owned)).collect()
        }
        _ => Vec::new(),
    }
}

/// `KEY=VALUE` lines of an env file; `#` starts a comment line; quotes around a value are dropped.
fn parse_env(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .filter_map(|line| line.split_once('='))
        .map(|(key, value)| {
            let value = value.trim();
            let unquoted = ['"', '\'']
                .iter()
                .find_map(|q| value.strip_prefix(*q).and_then(|v| v.strip_suffix(*q)))
                .unwrap_or(value);
            (key.trim().to_owned(), unquoted.to_owned())
        })
        .collect()
}

/// The service's `environment` as a map (mapping or `KEY=VALUE` list).
fn inline_environment(service: &Value) -> BTreeMap<String, String> {
    let scalar = |v: &Value| match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    };
    match &service["environment"] {
        Value::Object(map) => map.iter().map(|(k, v)| (k.clone(), scalar(v))).collect(),
        Value::Array(items) => items
            .iter()
            .filter_map(Value::as_str)
            .map(|item| item.split_once('=').map_or((item.to_owned(), String::new()), |(k, v)| (k.into(), v.into())))
            .collect(),
        _ => BTreeMap::new(),
    }
}

/// What the container sees: its env files (from their templates), then `environment` over them.
fn effective_environment(service: &Value, templates: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    let mut env = BTreeMap::new();
    for path in env_files(service) {
        if let Some(text) = templates.get(&path) {
            env.extend(parse_env(text));
        }
    }
    env.extend(inline_environment(service));
    env
}

/// The host names a service answers to on `marketplace-net`: its name and its aliases there.
fn host_names(name: &str, service: &Value) -> Vec<String> {
    if !names(&service["networks"]).iter().any(|n| n == NETWORK) {
        return Vec::new();
    }
    let mut hosts = vec![name.to_owned()];
    hosts.extend(names(&service["networks"][NETWORK]["aliases"]));
    hosts
}

/// Ports a service offers to others: `expose` and the container side of `ports`.
fn exposed_ports(service: &Value) -> BTreeSet<u16> {
    let mut ports = BTreeSet::new();
    for item in service["expose"].as_array().into_iter().flatten() {
        let text = item.as_str().map_or_else(|| item.to_string(), str::to_owned);
        ports.extend(text.split('/').next().and_then(|p| p.parse::<u16>().ok()));
    }
    for item in service["ports"].as_array().into_iter().flatten() {
        let container = match item {
            Value::String(s) => s.rsplit(':').next().map(str::to_owned),
            Value::Object(_) => Some(item["target"].to_string().trim_matches('"').to_owned()),
            other => Some(other.to_string()),
        };
        ports.extend(container.and_then(|p| p.split('/').next().and_then(|p| p.parse::<u16>().ok())));
    }
    ports
}

/// Ports the service is *told* to listen on, where that is visible in the file: a
/// `--listen ADDR:PORT` or socat `TCP-LISTEN:PORT` in its command, or `PORT` /
/// `MARKETPLACE_PORT` in its environment. Empty when the image decides alone.
fn configured_listen_ports(service: &Value, templates: &BTreeMap<String, String>) -> BTreeSet<u16> {
    let mut ports = BTreeSet::new();
    let words: Vec<String> = names(&service["command"])
        .iter()
        .flat_map(|w| w.split_whitespace().map(str::to_owned).collect::<Vec<_>>())
        .collect();
    for (i, word) in words.iter().enumerate() {
        if word == "--listen" {
            ports.extend(words.get(i + 1).and_then(|addr| addr.rsplit(':').next()?.parse::<u16>().ok()));
        }
        if let Some(rest) = word.strip_prefix("TCP-LISTEN:") {
            ports.extend(rest.split(',').next().and_then(|p| p.parse::<u16>().ok()));
        }
    }
    let env = effective_environment(service, templates);
    for key in ["PORT", "MARKETPLACE_PORT"] {
        ports.extend(env.get(key).and_then(|p| p.parse::<u16>().ok()));
    }
    ports
}

/// The host and port of a URL (`postgres://u:p@host:5432/db`, `jdbc:mysql://host:3306/db`, `http://host`).
fn url_host_port(url: &str) -> Option<(String, u16)> {
    let url = url.strip_prefix("jdbc:").unwrap_or(url);
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, hp)| hp);
    let default = match scheme {
        "http" => 80,
        "https" => 443,
        "postgres" | "postgresql" => 5432,
        "mysql" | "mariadb" => 3306,
        "redis" => 6379,
        _ => return None,
    };
    match host_port.rsplit_once(':') {
        Some((host, port)) => Some((host.to_owned(), port.parse::<u16>().ok()?)),
        None => Some((host_port.to_owned(), default)),
    }
}

/// The user, password and path (database) of a URL.
fn url_credentials(url: &str) -> Option<(String, String, String)> {
    let (_, rest) = url.split_once("://")?;
    let (userinfo, after) = rest.split_once('@')?;
    let (user, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
    let path = after.split_once('/').map_or("", |(_, p)| p).split(['?', '#']).next().unwrap_or("");
    Some((user.to_owned(), password.to_owned(), path.to_owned()))
}

/// One mount: (type, source, target, read-only, create-host-path), from short or long syntax.
fn mounts(service: &Value) -> Vec<(String, String, String, bool, bool)> {
    service["volumes"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|item| match item {
            Value::String(short) => {
                let parts: Vec<&str> = short.split(':').collect();
                let source = parts.first().copied().unwrap_or_default().to_owned();
                let kind = if source.starts_with(['.', '/', '~', '$']) { "bind" } else { "volume" };
                let read_only = parts.get(2).is_some_and(|mode| mode.split(',').any(|m| m == "ro"));
                (kind.into(), source, parts.get(1).copied().unwrap_or_default().into(), read_only, true)
            }
            long => (
                long["type"].as_str().unwrap_or_default().into(),
                long["source"].as_str().unwrap_or_default().into(),
                long["target"].as_str().unwrap_or_default().into(),
                long["read_only"].as_bool().unwrap_or(false),
                long["bind"]["create_host_path"].as_bool().unwrap_or(true),
            ),
        })
        .collect()
}

fn healthcheck_disabled(service: &Value) -> bool {
    service["healthcheck"]["disable"].as_bool() == Some(true)
}

fn has_healthcheck(service: &Value) -> bool {
    !healthcheck_disabled(service) && names(&service["healthcheck"]["test"]).iter().any(|w| !w.is_empty())
}

fn is_one_shot(service: &Value) -> bool {
    service["restart"].as_str() == Some("no")
}

/// `*` matches within one path segment.
fn glob_matches(pattern: &str, path: &str) -> bool {
    fn go(p: &[u8], s: &[u8]) -> bool {
        match (p.first(), s.first()) {
            (None, None) => true,
            (Some(b'*'), _) => go(&p[1..], s) || (s.first().is_some_and(|c| *c != b'/') && go(p, &s[1..])),
            (Some(a), Some(b)) if a == b => go(&p[1..], &s[1..]),
            _ => false,
        }
    }
    go(pattern.as_bytes(), path.as_bytes())
}

fn is_gitignored(path: &str) -> bool {
    read(&repo().join(".gitignore")).lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).any(
        |line| {
            let anchored = line.strip_prefix('/');
            let pattern = anchored.unwrap_or(line);
            glob_matches(pattern, path)
                || (anchored.is_none() && path.rsplit('/').next().is_some_and(|file| glob_matches(pattern, file)))
        },
    )
}

fn is_secret_name(key: &str) -> bool {
    ["PASSWORD", "SECRET", "TOKEN"].iter().any(|word| key.contains(word)) || key.ends_with("_KEY")
}

// --------------------------------------------------------------- validators

/// Messages for every way `compose` breaks the Compose specification's JSON schema.
fn schema_problems(compose: &Value) -> Vec<String> {
    let path = repo().join("../shared/contracts/compose/compose-spec.json");
    let schema: Value = serde_json::from_str(&read(&path)).expect("compose-spec.json is JSON");
    let validator = jsonschema::draft7::new(&schema).expect("the Compose schema compiles");
    validator.iter_errors(compose).map(|e| format!("{}: {e}", e.instance_path())).collect()
}

/// Problems that do not depend on the enabled profiles.
fn static_problems(compose: &Value, templates: &BTreeMap<String, String>) -> Vec<String> {
    let mut problems = Vec::new();
    let declared_networks: Vec<String> = names(&compose["networks"]);
    let declared_volumes: Vec<String> = names(&compose["volumes"]);
    if compose["networks"][NETWORK]["driver"].as_str() != Some("bridge") {
        problems.push(format!("network {NETWORK} is not declared as a bridge network"));
    }
    let mut key_mounts = 0;
    for (name, service) in services(compose) {
        let networks = names(&service["networks"]);
        if !networks.iter().any(|n| n == NETWORK) {
            problems.push(format!("{name} is not on {NETWORK}"));
        }
        for network in networks.iter().filter(|n| !declared_networks.contains(n)) {
            problems.push(format!("{name} joins network {network}, which is not declared"));
        }
        for (kind, source, target, read_only, create_host_path) in mounts(service) {
            if kind == "volume" && !declared_volumes.contains(&source) {
                problems.push(format!("{name} mounts volume {source}, which is not declared"));
            }
            if source.contains("infra/keys") {
                key_mounts += 1;
                if source != PUBLIC_KEY || kind != "bind" || !read_only || create_host_path {
                    problems.push(format!(
                        "{name} mounts {source} at {target}: only {PUBLIC_KEY}, as a read-only bind that is never created empty"
                    ));
                }
            } else if kind == "bind" && source.starts_with("./") && !repo().join(&source[2..]).exists() {
                problems.push(format!("{name} mounts {source}, which is not in the repository"));
            }
        }
        for path in env_files(service) {
            if !templates.contains_key(&path) {
                problems.push(format!("{name} reads {path}, which has no committed template {path}.example"));
            }
            if !is_gitignored(&path) {
                problems.push(format!("{name} reads {path}, which .gitignore does not keep out of the repository"));
            }
        }
        if is_one_shot(service) {
            if !healthcheck_disabled(service) {
                problems.push(format!("{name} is a one-shot job: say so with `healthcheck: {{disable: true}}`"));
            }
        } else if !has_healthcheck(service) {
            problems.push(format!("{name} has no health check"));
        }
        for (key, value) in inline_environment(service) {
            let credentials = url_credentials(&value).is_some_and(|(_, password, _)| !password.is_empty());
            if is_secret_name(&key) || credentials {
                problems.push(format!("{name} sets {key} inline: secrets belong in an env file"));
            }
        }
    }
    if key_mounts == 0 {
        problems.push(format!("no service mounts {PUBLIC_KEY} to verify the Marketplace's tokens"));
    }
    problems.extend(marketplace_problems(compose, templates));
    problems.extend(agreement_problems(templates));
    problems
}

/// The Marketplace service itself: health check, listening address, keys on a volume,
/// and every variable the server reads set somewhere.
fn marketplace_problems(compose: &Value, templates: &BTreeMap<String, String>) -> Vec<String> {
    let mut problems = Vec::new();
    let service = &compose["services"]["marketplace"];
    if service.is_null() {
        return vec!["there is no marketplace service".into()];
    }
    if !names(&service["healthcheck"]["test"]).iter().any(|w| w.contains("/api/health/ready")) {
        problems.push("the marketplace health check does not call /api/health/ready".into());
    }
    let env = effective_environment(service, templates);
    if env.get("MARKETPLACE_HOST").map(String::as_str) != Some("0.0.0.0") {
        problems.push("the marketplace does not listen on 0.0.0.0".into());
    }
    if !configured_listen_ports(service, templates).contains(&3101) || !exposed_ports(service).contains(&3101) {
        problems.push("the marketplace does not listen on and expose port 3101".into());
    }
    let keys_dir = env.get("MARKETPLACE_KEYS_DIR").cloned().unwrap_or_default();
    let on_volume = mounts(service).iter().any(|(kind, _, target, read_only, _)| {
        kind == "volume" && !read_only && Path::new(&keys_dir).starts_with(target)
    });
    if !on_volume {
        problems.push(format!("the marketplace keeps its keys ({keys_dir}) outside a writable named volume"));
    }
    let documented = parse_env(
        &read(&repo().join(".env.example"))
            .lines()
            .map(|line| line.trim_start_matches("# "))
            .filter(|line| {
                line.split('=').next().is_some_and(|k| {
                    !k.is_empty() && k.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
                })
            })
            .collect::<Vec<_>>()
            .join("\n"),
    );
    for key in documented.keys().filter(|k| !SCRIPT_ONLY_VARIABLES.contains(&k.as_str())) {
        if !env.contains_key(key) {
            problems
                .push(format!("{key} (in .env.example) is neither in the marketplace environment nor its env file"));
        }
    }
    problems
}

/// Credentials that several templates must share.
fn agreement_problems(templates: &BTreeMap<String, String>) -> Vec<String> {
    let get = |file: &str, key: &str| -> String {
        templates.get(&format!("infra/env/{file}.env")).and_then(|t| parse_env(t).get(key).cloned()).unwrap_or_default()
    };
    let url_part = |file: &str, key: &str, part: usize| -> String {
        url_credentials(&get(file, key))
            .map(|(user, password, path)| [user, password, path][part].clone())
            .unwrap_or_default()
    };
    let (user, password, database) = (0, 1, 2);
    let groups: Vec<(&str, Vec<(String, String)>)> = vec![
        (
            "the Marketplace's PostgreSQL user",
            vec![
                ("postgres POSTGRES_USER".into(), get("postgres", "POSTGRES_USER")),
                ("marketplace DATABASE_URL user".into(), url_part("marketplace", "DATABASE_URL", user)),
            ],
        ),
        (
            "the Marketplace's PostgreSQL password",
            vec![
                ("postgres POSTGRES_PASSWORD".into(), get("postgres", "POSTGRES_PASSWORD")),
                ("marketplace DATABASE_URL password".into(), url_part("marketplace", "DATABASE_URL", password)),
            ],
        ),
        (
            "the Marketplace's PostgreSQL database",
            vec![
                ("postgres POSTGRES_DB".into(), get("postgres", "POSTGRES_DB")),
                ("marketplace DATABASE_URL database".into(), url_part("marketplace", "DATABASE_URL", database)),
            ],
        ),
        (
            "Condo's PostgreSQL password",
            vec![
                ("condo-db POSTGRES_PASSWORD".into(), get("condo-db", "POSTGRES_PASSWORD")),
                ("condo DATABASE_URL password".into(), url_part("condo", "DATABASE_URL", password)),
            ],
        ),
        (
            "Kill Bill's database password",
            vec![
                ("killbill-db MYSQL_ROOT_PASSWORD".into(), get("killbill-db", "MYSQL_ROOT_PASSWORD")),
                ("killbill KILLBILL_DAO_PASSWORD".into(), get("killbill", "KILLBILL_DAO_PASSWORD")),
                ("kaui KAUI_CONFIG_DAO_PASSWORD".into(), get("kaui", "KAUI_CONFIG_DAO_PASSWORD")),
            ],
        ),
        (
            "Kill Bill's admin password",
            vec![
                ("killbill KB_ADMIN_PASSWORD".into(), get("killbill", "KB_ADMIN_PASSWORD")),
                ("marketplace KILLBILL_PASSWORD".into(), get("marketplace", "KILLBILL_PASSWORD")),
                ("sandbox KILLBILL_SANDBOX_ADMIN_PASSWORD".into(), get("sandbox", "KILLBILL_SANDBOX_ADMIN_PASSWORD")),
            ],
        ),
        (
            "Kill Bill's tenant key",
            vec![
                ("marketplace KILLBILL_API_KEY".into(), get("marketplace", "KILLBILL_API_KEY")),
                ("sandbox KILLBILL_SANDBOX_API_KEY".into(), get("sandbox", "KILLBILL_SANDBOX_API_KEY")),
                ("kaui KAUI_KILLBILL_API_KEY".into(), get("kaui", "KAUI_KILLBILL_API_KEY")),
            ],
        ),
        (
            "Kill Bill's tenant secret",
            vec![
                ("marketplace KILLBILL_API_SECRET".into(), get("marketplace", "KILLBILL_API_SECRET")),
                ("sandbox KILLBILL_SANDBOX_API_SECRET".into(), get("sandbox", "KILLBILL_SANDBOX_API_SECRET")),
                ("kaui KAUI_KILLBILL_API_SECRET".into(), get("kaui", "KAUI_KILLBILL_API_SECRET")),
            ],
        ),
        (
            "the Condo import account",
            vec![
                ("marketplace CONDO_IDENTITY".into(), get("marketplace", "CONDO_IDENTITY")),
                ("sandbox CONDO_SANDBOX_PHONE".into(), get("sandbox", "CONDO_SANDBOX_PHONE")),
            ],
        ),
        (
            "the Condo import password",
            vec![
                ("marketplace CONDO_PASSWORD".into(), get("marketplace", "CONDO_PASSWORD")),
                ("sandbox CONDO_SANDBOX_PASSWORD".into(), get("sandbox", "CONDO_SANDBOX_PASSWORD")),
            ],
        ),
        (
            "Cocorico's read-only user",
            vec![
                (
                    "marketplace COCORICO_DATABASE_URL user".into(),
                    url_part("marketplace", "COCORICO_DATABASE_URL", user),
                ),
                ("cocorico COCORICO_RO_USER".into(), get("cocorico", "COCORICO_RO_USER")),
            ],
        ),
        (
            "Cocorico's read-only password",
            vec![
                (
                    "marketplace COCORICO_DATABASE_URL password".into(),
                    url_part("marketplace", "COCORICO_DATABASE_URL", password),
                ),
                ("cocorico COCORICO_RO_PASSWORD".into(), get("cocorico", "COCORICO_RO_PASSWORD")),
                ("sandbox COCORICO_RO_PASSWORD".into(), get("sandbox", "COCORICO_RO_PASSWORD")),
            ],
        ),
        (
            "Cocorico's database",
            vec![
                (
                    "marketplace COCORICO_DATABASE_URL database".into(),
                    url_part("marketplace", "COCORICO_DATABASE_URL", database),
                ),
                ("sandbox MARIADB_DATABASE".into(), get("sandbox", "MARIADB_DATABASE")),
            ],
        ),
        (
            "the sandbox MariaDB's root password",
            vec![
                ("sandbox MARIADB_ROOT_PASSWORD".into(), get("sandbox", "MARIADB_ROOT_PASSWORD")),
                ("sandbox COCORICO_ADMIN_URL password".into(), url_part("sandbox", "COCORICO_ADMIN_URL", password)),
            ],
        ),
    ];
    let mut problems = Vec::new();
    for (what, values) in groups {
        let (first_place, first) = &values[0];
        for (place, value) in &values {
            if value.is_empty() {
                problems.push(format!("{what}: {place} is missing from its template"));
            } else if value != first {
                problems.push(format!("{what}: {place} disagrees with {first_place}"));
            }
        }
    }
    problems
}

/// Problems of the stack started with `enabled` profiles.
fn profile_problems(compose: &Value, templates: &BTreeMap<String, String>, enabled: &[&str]) -> Vec<String> {
    let mut problems = Vec::new();
    let label = if enabled.is_empty() { "no profile".to_owned() } else { format!("profiles {}", enabled.join("+")) };
    let all: BTreeMap<&String, &Value> = services(compose).collect();
    let active: BTreeMap<&String, &Value> =
        all.iter().filter(|(_, s)| is_active(s, enabled)).map(|(n, s)| (*n, *s)).collect();

    // Host names on the network, each claimed by one running service.
    let mut hosts: BTreeMap<String, &String> = BTreeMap::new();
    for (name, service) in &active {
        for host in host_names(name, service) {
            if let Some(other) = hosts.insert(host.clone(), name) {
                problems.push(format!("with {label}, {other} and {name} both answer to the host name {host}"));
            }
        }
    }
    let all_hosts: BTreeSet<String> = all.iter().flat_map(|(n, s)| host_names(n, s)).collect();

    for (name, service) in &active {
        for (target, condition) in dependencies(service) {
            let Some(dependency) = all.get(&target) else {
                problems.push(format!("{name} depends on {target}, which is not a service"));
                continue;
            };
            if !is_active(dependency, enabled) {
                problems.push(format!("with {label}, {name} depends on {target}, which does not run"));
            }
            match condition.as_str() {
                "service_healthy" if !has_healthcheck(dependency) => {
                    problems.push(format!("{name} waits for {target} to be healthy, but it has no health check"));
                }
                "service_completed_successfully" if !is_one_shot(dependency) => {
                    problems.push(format!("{name} waits for {target} to finish, but it is not a one-shot job"));
                }
                _ => {}
            }
        }
        // Every address a running service is given that names a service of this file.
        let env = effective_environment(service, templates);
        let required: &[&str] = if name.as_str() != "marketplace" {
            &[]
        } else if enabled.iter().any(|p| *p == "platforms" || *p == "sandbox") {
            &["DATABASE_URL", "KILLBILL_URL", "CONDO_URL", "COCORICO_DATABASE_URL"]
        } else {
            &["DATABASE_URL"]
        };
        for (key, value) in &env {
            let Some((host, port)) = url_host_port(value) else {
                if required.contains(&key.as_str()) {
                    problems.push(format!("{name}: {key} is not an address"));
                }
                continue;
            };
            let is_required = required.contains(&key.as_str());
            if !is_required && (name.as_str() == "marketplace" || !all_hosts.contains(&host)) {
                continue;
            }
            let Some(target) = hosts.get(&host) else {
                problems.push(format!(
                    "with {label}, {name}'s {key} points at {host}, which no running service on {NETWORK} answers to"
                ));
                continue;
            };
            let target_service = all[*target];
            if !exposed_ports(target_service).contains(&port) {
                problems
                    .push(format!("with {label}, {name}'s {key} expects port {port}, which {target} does not expose"));
            }
            let listening = configured_listen_ports(target_service, templates);
            if !listening.is_empty() && !listening.contains(&port) {
                problems.push(format!(
                    "with {label}, {name}'s {key} expects port {port}, but {target} is told to listen on {listening:?}"
                ));
            }
        }
    }
    problems
}

/// `depends_on` as (service, condition).
fn dependencies(service: &Value) -> Vec<(String, String)> {
    match &service["depends_on"] {
        Value::Object(map) => map
            .iter()
            .map(|(name, spec)| (name.clone(), spec["condition"].as_str().unwrap_or("service_started").to_owned()))
            .collect(),
        other => names(other).into_iter().map(|n| (n, "service_started".to_owned())).collect(),
    }
}

/// Every problem of `compose` with these templates: schema, static wiring and each profile set.
fn all_problems(compose: &Value, templates: &BTreeMap<String, String>) -> Vec<String> {
    let mut problems = schema_problems(compose);
    problems.extend(static_problems(compose, templates));
    for enabled in PROFILE_SETS {
        problems.extend(profile_problems(compose, templates, enabled));
    }
    problems
}

// -------------------------------------------------------------------- tests

fn assert_clean(problems: &[String]) {
    assert!(problems.is_empty(), "docker-compose.yml has problems:\n  {}", problems.join("\n  "));
}

fn assert_reports(problems: &[String], needle: &str) {
    assert!(
        problems.iter().any(|p| p.contains(needle)),
        "expected a problem mentioning {needle:?}, got:\n  {}",
        problems.join("\n  ")
    );
}

#[test]
fn the_compose_file_validates_against_the_compose_schema() {
    assert_clean(&schema_problems(&compose_file()));
}

#[test]
fn every_env_file_volume_network_and_key_mount_is_declared() {
    let compose = compose_file();
    assert_clean(&static_problems(&compose, &templates_for(&compose)));
}

#[test]
fn every_profile_set_wires_the_marketplace_to_its_services() {
    let compose = compose_file();
    let templates = templates_for(&compose);
    for enabled in PROFILE_SETS {
        assert_clean(&profile_problems(&compose, &templates, enabled));
    }
}

#[test]
fn the_sandbox_replaces_the_platforms_under_the_same_host_names() {
    let compose = compose_file();
    let by_host = |enabled: &[&str]| -> BTreeMap<String, String> {
        services(&compose)
            .filter(|(_, s)| is_active(s, enabled))
            .flat_map(|(n, s)| host_names(n, s).into_iter().map(move |h| (h, n.clone())))
            .collect()
    };
    let (real, sandbox) = (by_host(&["platforms"]), by_host(&["sandbox"]));
    for host in ["killbill", "condo", "cocorico"] {
        assert_eq!(real.get(host).map(String::as_str), Some(host), "{host} with platforms");
        assert!(sandbox.get(host).is_some_and(|s| s.ends_with("-sandbox")), "{host} with sandbox: {sandbox:?}");
    }
    // No platform service runs in the sandbox profile, and no emulator with the platforms.
    assert!(!sandbox.values().any(|s| ["killbill", "condo", "cocorico", "killbill-db"].contains(&s.as_str())));
    assert!(!real.values().any(|s| s.ends_with("-sandbox")));
}

#[test]
fn the_platforms_run_the_images_the_contracts_name() {
    let compose = compose_file();
    let image = |name: &str| compose["services"][name]["image"].as_str().unwrap_or_default().to_owned();
    assert_eq!(image("killbill"), "killbill/killbill:0.24.10");
    assert_eq!(image("killbill-db"), "killbill/mariadb:0.24");
    assert!(image("cocorico").starts_with("cocolabs/cocorico"));
    // Condo has no public image: it is built from a checkout of the upstream repository.
    assert!(compose["services"]["condo"]["build"]["context"].as_str().is_some_and(|c| c.contains("condo")));
    assert!(compose["services"]["marketplace"]["build"]["context"].as_str() == Some("."));
    let depends = dependencies(&compose["services"]["marketplace"]);
    assert!(depends.contains(&("postgres".into(), "service_healthy".into())), "{depends:?}");
}

#[test]
fn platforms_and_sandbox_together_are_refused() {
    let compose = compose_file();
    let problems = profile_problems(&compose, &templates_for(&compose), &["platforms", "sandbox"]);
    assert_reports(&problems, "both answer to the host name killbill");
}

// Each validator must fail on a broken copy of the real file.

fn broken(edit: impl FnOnce(&mut Value)) -> (Value, BTreeMap<String, String>) {
    let mut compose = compose_file();
    let templates = templates_for(&compose);
    edit(&mut compose);
    (compose, templates)
}

#[test]
fn the_schema_refuses_malformed_services() {
    let (compose, _) = broken(|c| {
        c["services"]["marketplace"]["ports"] = json!("3101:3101");
        c["services"]["postgres"]["helthcheck"] = json!({ "test": ["CMD", "true"] });
    });
    let problems = schema_problems(&compose);
    assert_reports(&problems, "/services/marketplace/ports");
    assert_reports(&problems, "helthcheck");
}

#[test]
fn an_unknown_dependency_is_reported() {
    let (compose, templates) =
        broken(|c| c["services"]["marketplace"]["depends_on"]["postgress"] = json!({ "condition": "service_healthy" }));
    assert_reports(&all_problems(&compose, &templates), "depends on postgress, which is not a service");
}

#[test]
fn a_dependency_on_a_service_of_another_profile_is_reported() {
    let (compose, templates) =
        broken(|c| c["services"]["marketplace"]["depends_on"]["killbill"] = json!({ "condition": "service_healthy" }));
    assert_reports(&profile_problems(&compose, &templates, &[]), "depends on killbill, which does not run");
    assert_reports(&profile_problems(&compose, &templates, &["sandbox"]), "depends on killbill, which does not run");
}

#[test]
fn an_undeclared_volume_is_reported() {
    let (compose, templates) = broken(|c| {
        c["volumes"].as_object_mut().unwrap().remove("postgres-data");
    });
    assert_reports(&static_problems(&compose, &templates), "mounts volume postgres-data, which is not declared");
}

#[test]
fn an_undeclared_network_is_reported() {
    let (compose, templates) =
        broken(|c| c["services"]["postgres"]["networks"] = json!(["marketplace-net", "backend"]));
    assert_reports(&static_problems(&compose, &templates), "joins network backend, which is not declared");
}

#[test]
fn a_platform_off_the_network_is_unreachable() {
    let (compose, templates) =
        broken(|c| c["services"]["killbill-sandbox"]["networks"] = json!({ "marketplace-net": null }));
    let problems = profile_problems(&compose, &templates, &["sandbox"]);
    assert_reports(
        &problems,
        "KILLBILL_URL points at killbill, which no running service on marketplace-net answers to",
    );
}

#[test]
fn a_wrong_port_is_reported() {
    let (compose, templates) = broken(|c| c["services"]["condo-sandbox"]["expose"] = json!(["4000"]));
    assert_reports(
        &profile_problems(&compose, &templates, &["sandbox"]),
        "CONDO_URL expects port 4006, which condo-sandbox does not expose",
    );
    let (compose, templates) =
        broken(|c| c["services"]["killbill-sandbox"]["command"] = json!(["killbill", "--listen", "0.0.0.0:9999"]));
    assert_reports(&profile_problems(&compose, &templates, &["sandbox"]), "is told to listen on {9999}");
}

#[test]
fn a_database_url_pointing_nowhere_is_reported() {
    let (compose, mut templates) = broken(|_| {});
    let path = "infra/env/marketplace.env".to_owned();
    let text = templates[&path].replace("@postgres:5432/", "@db:5432/");
    templates.insert(path, text);
    assert_reports(&profile_problems(&compose, &templates, &[]), "DATABASE_URL points at db");
}

#[test]
fn an_env_file_without_a_template_is_reported() {
    let (compose, templates) =
        broken(|c| c["services"]["postgres"]["env_file"] = json!(["infra/env/postgres.env", "infra/env/extra.env"]));
    assert_reports(&static_problems(&compose, &templates), "infra/env/extra.env, which has no committed template");
}

#[test]
fn an_inline_secret_is_reported() {
    let (compose, templates) = broken(|c| {
        c["services"]["marketplace"]["environment"]["KILLBILL_API_SECRET"] = json!("s3cret");
        c["services"]["kaui"]["environment"]["KAUI_CONFIG_DAO_URL"] =
            json!("jdbc:mysql://root:pw@killbill-db:3306/kaui");
    });
    let problems = static_problems(&compose, &templates);
    assert_reports(&problems, "marketplace sets KILLBILL_API_SECRET inline");
    assert_reports(&problems, "kaui sets KAUI_CONFIG_DAO_URL inline");
}

#[test]
fn a_writable_or_misplaced_key_mount_is_reported() {
    let (compose, templates) = broken(|c| c["services"]["killbill"]["volumes"][0]["read_only"] = json!(false));
    assert_reports(&static_problems(&compose, &templates), "killbill mounts ./infra/keys/public.pem");
    let (compose, templates) =
        broken(|c| c["services"]["condo"]["volumes"] = json!(["./infra/keys:/etc/marketplace:ro"]));
    assert_reports(&static_problems(&compose, &templates), "condo mounts ./infra/keys at /etc/marketplace");
}

#[test]
fn a_missing_health_check_is_reported() {
    let (compose, templates) = broken(|c| {
        c["services"]["condo-redis"].as_object_mut().unwrap().remove("healthcheck");
    });
    let problems = all_problems(&compose, &templates);
    assert_reports(&problems, "condo-redis has no health check");
    assert_reports(&problems, "condo waits for condo-redis to be healthy, but it has no health check");
}

#[test]
fn disagreeing_templates_are_reported() {
    let (compose, mut templates) = broken(|_| {});
    let path = "infra/env/sandbox.env".to_owned();
    let text = templates[&path]
        .replace("KILLBILL_SANDBOX_API_SECRET=change-me-killbill-tenant", "KILLBILL_SANDBOX_API_SECRET=other");
    templates.insert(path, text);
    assert_reports(&static_problems(&compose, &templates), "sandbox KILLBILL_SANDBOX_API_SECRET disagrees");
}

#[test]
fn a_server_variable_missing_from_the_deployment_is_reported() {
    let (compose, mut templates) = broken(|_| {});
    let path = "infra/env/marketplace.env".to_owned();
    let text: String =
        templates[&path].lines().filter(|l| !l.starts_with("CONDO_RETRIES=")).map(|l| format!("{l}\n")).collect();
    templates.insert(path, text);
    assert_reports(&static_problems(&compose, &templates), "CONDO_RETRIES (in .env.example)");
}

#[test]
fn url_parsing_finds_hosts_ports_and_credentials() {
    assert_eq!(url_host_port("postgres://u:p@postgres:5432/m"), Some(("postgres".into(), 5432)));
    assert_eq!(url_host_port("jdbc:mysql://killbill-db:3306/killbill"), Some(("killbill-db".into(), 3306)));
    assert_eq!(url_host_port("http://condo"), Some(("condo".into(), 80)));
    assert_eq!(url_host_port("mysql://ro:pw@cocorico/cocorico"), Some(("cocorico".into(), 3306)));
    assert_eq!(url_host_port("en,fr"), None);
    assert_eq!(url_credentials("mysql://ro:pw@cocorico:3306/db"), Some(("ro".into(), "pw".into(), "db".into())));
    assert!(glob_matches("infra/env/*.env", "infra/env/marketplace.env"));
    assert!(!glob_matches("infra/env/*.env", "infra/env/marketplace.env.example"));
    assert!(!glob_matches("*.env", "infra/env/x.env"));
    assert!(is_gitignored("infra/env/marketplace.env") && is_gitignored("infra/keys/public.pem"));
    assert!(!is_gitignored("infra/env/marketplace.env.example"));
}

// ------------------------------------------------- the read-only account script

/// The MariaDB of the tests (`COCORICO_ADMIN_URL`, as scripts/lib.sh sets it) through the `mysql` client.
struct MariaDb {
    host: String,
    port: u16,
    user: String,
    password: String,
}

impl MariaDb {
    fn from_env() -> Self {
        let url = std::env::var("COCORICO_ADMIN_URL").unwrap_or_else(|_| "mysql://root@127.0.0.1:3306".into());
        let (host, port) = url_host_port(&url).expect("COCORICO_ADMIN_URL is a mysql:// URL");
        let (user, password, _) = url_credentials(&url).unwrap_or(("root".into(), String::new(), String::new()));
        Self { host, port, user, password }
    }

    /// The client command line, as the script's `MYSQL` variable takes it.
    fn client(&self, user: &str) -> String {
        format!("mysql -h {} -P {} -u {user}", self.host, self.port)
    }

    /// Runs `sql` as `user` (password in `MYSQL_PWD`, never on the command line).
    fn run(&self, user: &str, password: &str, sql: &str) -> std::process::Output {
        std::process::Command::new("sh")
            .args(["-c", &format!("{} --batch --skip-column-names -e \"$SQL\"", self.client(user))])
            .env("SQL", sql)
            .env("MYSQL_PWD", password)
            .output()
            .expect("the mysql client runs (apt-get install mariadb-client)")
    }

    fn admin(&self, sql: &str) -> String {
        let out = self.run(&self.user, &self.password, sql);
        assert!(out.status.success(), "{sql}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Runs infra/cocorico/create_readonly_user.sh for `ro_user` on `database`.
    fn create_readonly_user(&self, ro_user: &str, database: &str, ro_password: &str) -> std::process::Output {
        std::process::Command::new("sh")
            .arg(repo().join("infra/cocorico/create_readonly_user.sh"))
            .env("MYSQL", self.client(&self.user))
            .env("MYSQL_PWD", &self.password)
            .env("COCORICO_RO_USER", ro_user)
            .env("COCORICO_RO_DATABASE", database)
            .env("COCORICO_RO_PASSWORD", ro_password)
            .env("COCORICO_RO_WAIT_SECS", "10")
            .output()
            .expect("sh runs")
    }
}

/// Drops the scratch database and account, even when the test fails.
struct Scratch<'a> {
    db: &'a MariaDb,
    database: String,
    user: String,
}

impl Drop for Scratch<'_> {
    fn drop(&mut self) {
        let sql = format!("DROP DATABASE IF EXISTS `{}`; DROP USER IF EXISTS '{}'@'%'", self.database, self.user);
        let _ = self.db.run(&self.db.user, &self.db.password, &sql);
    }
}

#[test]
fn the_read_only_account_script_grants_select_and_nothing_else() {
    let db = MariaDb::from_env();
    let id = format!("{}_{}", std::process::id(), uuid::Uuid::new_v4().simple().to_string().get(..8).unwrap());
    let scratch = Scratch { db: &db, database: format!("mkt_ro_check_{id}"), user: format!("mkt_ro_{id}") };
    let (database, user) = (&scratch.database, &scratch.user);
    db.admin(&format!("CREATE DATABASE `{database}`; CREATE TABLE `{database}`.listing (id INT); INSERT INTO `{database}`.listing VALUES (7)"));

    let refused = db.create_readonly_user(user, database, "it's");
    assert!(!refused.status.success(), "a password that is not URL-safe is refused");
    assert!(String::from_utf8_lossy(&refused.stderr).contains("COCORICO_RO_PASSWORD may only hold"));

    let created = db.create_readonly_user(user, database, "ro-pass-1");
    assert!(created.status.success(), "{}", String::from_utf8_lossy(&created.stderr));
    let as_ro = |sql: &str| db.run(user, "ro-pass-1", sql);
    let read = as_ro(&format!("SELECT id FROM `{database}`.listing"));
    assert!(read.status.success(), "{}", String::from_utf8_lossy(&read.stderr));
    assert_eq!(String::from_utf8_lossy(&read.stdout).trim(), "7");
    for write in [
        format!("INSERT INTO `{database}`.listing VALUES (8)"),
        format!("DELETE FROM `{database}`.listing"),
        format!("CREATE TABLE `{database}`.other (id INT)"),
        "SELECT user FROM mysql.user".to_owned(),
    ] {
        let out = as_ro(&write);
        assert!(!out.status.success(), "the read-only account could run: {write}");
    }
    assert!(!db.run(user, "wrong", "SELECT 1").status.success(), "a wrong password is refused");

    // Running it again rotates the password.
    assert!(db.create_readonly_user(user, database, "ro-pass-2").status.success());
    assert!(!as_ro("SELECT 1").status.success(), "the old password no longer works");
    assert!(db.run(user, "ro-pass-2", "SELECT 1").status.success());
}

// ---------------------------------------------------------------- Dockerfile

/// One stage of a Dockerfile: its name and its instructions (continuation lines joined).
struct Stage {
    name: String,
    lines: Vec<String>,
}

fn dockerfile_stages(text: &str) -> Vec<Stage> {
    let mut joined = Vec::new();
    let mut current = String::new();
    for line in text.lines().map(str::trim).filter(|l| !l.starts_with('#')) {
        match line.strip_suffix('\\') {
            Some(part) => current.push_str(part),
            None => {
                current.push_str(line);
                if !current.trim().is_empty() {
                    joined.push(std::mem::take(&mut current));
                }
                current.clear();
            }
        }
    }
    let mut stages: Vec<Stage> = Vec::new();
    for line in joined {
        let words: Vec<&str> = line.split_whitespace().collect();
        if words.first().is_some_and(|w| w.eq_ignore_ascii_case("FROM")) {
            let name = match words.as_slice() {
                [_, _, as_, name, ..] if as_.eq_ignore_ascii_case("AS") => (*name).to_owned(),
                _ => String::new(),
            };
            stages.push(Stage { name, lines: Vec::new() });
        } else if let Some(stage) = stages.last_mut() {
            stage.lines.push(line);
        }
    }
    stages
}

/// The value of `NAME="…"` in scripts/lib.sh.
fn lib_sh_value(name: &str) -> String {
    read(&repo().join("scripts/lib.sh"))
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{name}=")))
        .map(|v| v.trim_matches('"').to_owned())
        .unwrap_or_default()
}

/// Problems of the Dockerfile and .dockerignore, and of how docker-compose.yml builds from them.
fn dockerfile_problems(dockerfile: &str, dockerignore: &str, compose: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let stages = dockerfile_stages(dockerfile);
    let stage = |name: &str| stages.iter().find(|s| s.name == name);
    let all_lines = || stages.iter().flat_map(|s| s.lines.iter());
    let has = |needle: &str| all_lines().any(|l| l.contains(needle));

    // The toolchain pins agree with the scripts and the wasm-bindgen crate.
    let bindgen = lib_sh_value("WASM_BINDGEN_VERSION");
    if !has(&format!("cargo install wasm-bindgen-cli --version {bindgen}")) {
        problems.push(format!("the Dockerfile does not install wasm-bindgen-cli {bindgen} as scripts/lib.sh does"));
    }
    if !read(&repo().join("Cargo.toml")).contains(&format!("wasm-bindgen = \"={bindgen}\"")) {
        problems.push(format!("Cargo.toml does not pin the wasm-bindgen crate to {bindgen}"));
    }
    for needle in [
        "rustup target add wasm32-unknown-unknown",
        "SQLX_OFFLINE=true",
        "npm ci",
        "build_site",
        "cargo build --release --locked --bin marketplace",
    ] {
        if !has(needle) {
            problems.push(format!("the Dockerfile's build lacks `{needle}`"));
        }
    }

    // The runtime image: the last stage, so `docker build .` makes it.
    match stages.last() {
        Some(last) if last.name == "runtime" => {
            let user = last.lines.iter().rev().find_map(|l| l.strip_prefix("USER ")).unwrap_or("root");
            if user.starts_with("root") || user.starts_with('0') {
                problems.push("the runtime image runs as root".into());
            }
            if !last.lines.iter().any(|l| l.starts_with("HEALTHCHECK") && l.contains("/api/health/ready")) {
                problems.push("the runtime image has no HEALTHCHECK on /api/health/ready".into());
            }
            if !last.lines.iter().any(|l| l.starts_with("ENV") && l.contains("MARKETPLACE_HOST=0.0.0.0")) {
                problems.push("the runtime image does not set MARKETPLACE_HOST=0.0.0.0".into());
            }
            if !last.lines.iter().any(|l| l.starts_with("FROM") || l.contains("/out/site")) {
                problems.push("the runtime image lacks the built site".into());
            }
        }
        _ => problems.push("the Dockerfile's last stage (the default target) is not `runtime`".into()),
    }

    // What docker-compose.yml builds from this Dockerfile.
    for (name, service) in services(compose) {
        let build = &service["build"];
        if build["context"].as_str() != Some(".") {
            continue;
        }
        let target = build["target"].as_str().unwrap_or("runtime");
        let Some(target_stage) = stage(target) else {
            problems.push(format!("{name} builds target {target}, which the Dockerfile does not define"));
            continue;
        };
        let contexts = build["additional_contexts"].as_object().cloned().unwrap_or_default();
        for line in &target_stage.lines {
            let Some(from) = line.split_whitespace().find_map(|w| w.strip_prefix("--from=")) else { continue };
            if stage(from).is_some() || from.contains(':') || from.contains('/') {
                continue;
            }
            let Some(context) = contexts.get(from).and_then(Value::as_str) else {
                problems.push(format!(
                    "{name} builds {target}, which copies from `{from}`: no such stage or build context"
                ));
                continue;
            };
            let source = line.split_whitespace().filter(|w| !w.starts_with("--")).nth(1).unwrap_or_default();
            if !repo().join(context).join(source).exists() {
                problems.push(format!("{name}: the build context {from} ({context}) has no {source}"));
            }
        }
    }

    // The build context leaves out outputs and secrets, and keeps what the build needs.
    let ignored: Vec<&str> =
        dockerignore.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect();
    for needed in ["target", "node_modules", ".env", "infra/env/*.env", "*.pem", ".data"] {
        if !ignored.contains(&needed) {
            problems.push(format!(".dockerignore does not leave out {needed}"));
        }
    }
    for kept in [".sqlx", "Cargo.lock", "package-lock.json", "infra", "migrations"] {
        if ignored.iter().any(|p| glob_matches(p, kept)) {
            problems.push(format!(".dockerignore leaves out {kept}, which the build needs"));
        }
    }
    problems
}

fn dockerfile() -> String {
    read(&repo().join("Dockerfile"))
}

fn dockerignore() -> String {
    read(&repo().join(".dockerignore"))
}

#[test]
fn the_dockerfile_builds_what_compose_asks_for_with_the_pinned_toolchain() {
    assert_clean(&dockerfile_problems(&dockerfile(), &dockerignore(), &compose_file()));
    let names: Vec<String> = dockerfile_stages(&dockerfile()).into_iter().map(|s| s.name).collect();
    assert!(names.contains(&"sandbox".to_owned()) && names.contains(&"builder".to_owned()), "{names:?}");
}

#[test]
fn a_broken_dockerfile_is_reported() {
    let compose = compose_file();
    let as_root = dockerfile().replace("USER marketplace:marketplace", "USER root");
    assert_reports(&dockerfile_problems(&as_root, &dockerignore(), &compose), "runs as root");
    let old_bindgen = dockerfile().replace("wasm-bindgen-cli --version 0.2.130", "wasm-bindgen-cli --version 0.2.129");
    assert_reports(&dockerfile_problems(&old_bindgen, &dockerignore(), &compose), "wasm-bindgen-cli");
    let leptos_build = dockerfile().replace("source scripts/lib.sh && build_site", "cargo leptos build --release");
    assert_reports(&dockerfile_problems(&leptos_build, &dockerignore(), &compose), "build_site");
    let no_health = dockerfile().replace("/api/health/ready", "/");
    assert_reports(&dockerfile_problems(&no_health, &dockerignore(), &compose), "no HEALTHCHECK");
    let leaky = dockerignore().replace("infra/env/*.env\n", "");
    assert_reports(&dockerfile_problems(&dockerfile(), &leaky, &compose), "does not leave out infra/env/*.env");
    let mut typo = compose.clone();
    typo["services"]["killbill-sandbox"]["build"]["target"] = json!("sandbx");
    assert_reports(&dockerfile_problems(&dockerfile(), &dockerignore(), &typo), "target sandbx");
    let mut no_contracts = compose;
    no_contracts["services"]["condo-sandbox"]["build"].as_object_mut().unwrap().remove("additional_contexts");
    assert_reports(&dockerfile_problems(&dockerfile(), &dockerignore(), &no_contracts), "copies from `contracts`");
}
