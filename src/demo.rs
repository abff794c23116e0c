//! The demo database: realistic synthetic tenants, operators and history.
