//! Pieces drawn by more than one screen.

pub mod figures;
pub mod list;
pub mod tenant_card;
