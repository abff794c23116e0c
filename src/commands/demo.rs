//! `veille demo`: a database with realistic synthetic data.

use anyhow::Result;

use super::Context;
use crate::cli::DemoArgs;

pub fn run(_ctx: &Context, _args: &DemoArgs) -> Result<()> {
    anyhow::bail!("veille demo is not built yet")
}
