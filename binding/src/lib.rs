//! # fengqiao-binding: the one JSON layer the bindings share
//!
//! Cedar shares one `ffi` module between its C and WebAssembly front-ends; this crate is
//! fengqiao's. It holds, once:
//!
//! - [`surface`]: the table of operations ([`OPERATIONS`]): each one's arguments, result,
//!   access, records and documentation, from which `xtask` writes every front-end;
//! - [`ops`]: every operation as a function that takes what a host passes (JSON bytes,
//!   words, codes, milliseconds) and returns JSON text;
//! - [`args`]: the argument decoders (times, dates, division codes, case codes, levels,
//!   actors, rule sets, JSON Lines), each failure naming the argument, the value and what
//!   is allowed;
//! - [`error`]: the binding error (a stable [`Code`], a message, JSON details) that C turns
//!   into an `FqStatus` and WebAssembly into a thrown `FengqiaoError`.
//!
//! `fengqiao-ffi` and `fengqiao-wasm` are shims over it: handles, C strings or JS values,
//! caught panics, all generated from the table. No domain rule and no privacy rule lives in
//! a front-end; a new engine method costs the core method, one function and one table entry
//! here, and tests.
//!
//! ```
//! use fengqiao_binding::ops;
//! let world = std::fs::read("../examples/data/world-small.json")?;
//! let engine = ops::engine_new(&world)?;
//! let units = ops::children(&engine, "522301001000")?;
//! assert!(units.contains("A社区"));
//! let err = ops::children(&engine, "5223-01").unwrap_err();
//! assert_eq!(err.code.as_str(), "hierarchy");
//! assert!(err.message.contains("unit_code"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod args;
pub mod error;
pub mod ops;
pub mod surface;

pub use error::{BindingError, Code, CodeInfo, CODES};
pub use surface::{Access, Arg, Bind, Op, Output, Records, Ty, CONSTRUCTORS, OPERATIONS};
