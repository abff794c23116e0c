//! Pieces drawn by more than one screen.

pub mod figures;
pub mod tenant_card;
