//! The cocorico stand-in (not built yet).

/// Command-line entry point: `sandbox cocorico [args…]`.
pub fn cli_main(_args: Vec<String>) -> anyhow::Result<()> {
    anyhow::bail!("the cocorico stand-in is not built yet")
}
