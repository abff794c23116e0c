//! The operator screens.

use anyhow::Result;

use crate::commands::Context;

/// Opens the operator screen; `operator` signs in directly when given.
pub fn run(_ctx: &Context, _operator: Option<&str>) -> Result<()> {
    anyhow::bail!("the operator screen is not built yet")
}
