//! Every valid fixture's generated types, compiled into this binary with
//! warnings denied (see build.rs).

#[deny(warnings)]
#[allow(clippy::all)]
pub mod generated {
    include!(concat!(env!("OUT_DIR"), "/fixtures.rs"));
}
