//! The killbill stand-in (not built yet).

/// Command-line entry point: `sandbox killbill [args…]`.
pub fn cli_main(_args: Vec<String>) -> anyhow::Result<()> {
    anyhow::bail!("the killbill stand-in is not built yet")
}
