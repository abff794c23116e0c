//! veille: weekly wellness-check calls for the elderly tenants of a social landlord.
//!
//! `domain` holds plain types and pure rules, `store` all SQL, `commands` one module
//! per subcommand, `tui` the operator screens, `access` who may do what.

pub mod access;
pub mod cli;
pub mod cli_help;
pub mod clock;
pub mod commands;
pub mod config;
pub mod context;
pub mod demo;
pub mod domain;
pub mod i18n;
pub mod import;
// The only module with `unsafe`, each block with its reason; `[lints]` in Cargo.toml
// denies it everywhere else.
pub mod process;
pub mod replication;
pub mod store;
pub mod tui;
