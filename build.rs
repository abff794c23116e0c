//! Links the `veille` program as a position-dependent executable on Linux.
//!
//! A position-independent executable is relocated when it starts: the dynamic loader
//! writes the program's address into 34,000 pointers in its read-only data, which makes
//! that megabyte private to each process. Linked at a fixed address, those pages stay
//! shared among every operator process and are only read in when used: an operator screen
//! peaks 1.3–1.5 MiB lower (docs/PERFORMANCE.md). Shared libraries, the stack, the heap and
//! memory maps are still placed at random addresses.
fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo::rustc-link-arg-bins=-no-pie");
    }
}
