//! `veille loadtest`: many operator processes on one file.

use anyhow::Result;

use super::Context;
use crate::cli::LoadtestArgs;

pub fn run(_ctx: &Context, _args: &LoadtestArgs) -> Result<()> {
    anyhow::bail!("veille loadtest is not built yet")
}
