//! `veille import tenants|operators FILE`.

use anyhow::Result;

use super::Context;
use crate::cli::ImportCommand;

pub fn run(_ctx: &Context, _cmd: &ImportCommand) -> Result<()> {
    anyhow::bail!("veille import is not built yet")
}
