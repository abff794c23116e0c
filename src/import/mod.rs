//! Reading the landlord's spreadsheets: tenants and operators from CSV.
