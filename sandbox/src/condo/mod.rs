//! The condo stand-in (not built yet).

/// Command-line entry point: `sandbox condo [args…]`.
pub fn cli_main(_args: Vec<String>) -> anyhow::Result<()> {
    anyhow::bail!("the condo stand-in is not built yet")
}
