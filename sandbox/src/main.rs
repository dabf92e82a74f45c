//! `sandbox <platform> [args…]`: runs one platform emulator (or loader) from the command line.

// Outside tests a panic is a bug, not error handling: say what failed.
#![warn(clippy::unwrap_used)]

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let platform = args.next().unwrap_or_default();
    let rest: Vec<String> = args.collect();
    match platform.as_str() {
        "killbill" => sandbox::killbill::cli_main(rest),
        "condo" => sandbox::condo::cli_main(rest),
        "cocorico" => sandbox::cocorico::cli_main(rest),
        _ => anyhow::bail!("usage: sandbox <killbill|condo|cocorico> [args…]"),
    }
}
