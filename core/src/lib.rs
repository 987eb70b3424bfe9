//! # fengqiao — grassroots dispute resolution (矛盾纠纷排查化解)
//!
//! An embeddable core for the "Fengqiao Experience" (枫桥经验) as practised in China's
//! comprehensive-governance information systems (综治信息系统): find disputes early, solve
//! them at the lowest level that can, and leave a trace of every step.
//!
//! - [`hierarchy`]: county → street → village/community → grid → household group (联户) →
//!   household, keyed by statistical division codes (一中心一张网十联户).
//! - [`people`], [`staff`], [`agency`]: residents, the people who act (网格员, 联户长,
//!   专职人民调解员, 法律明白人, 法律顾问 …) and the bodies that join (公安+司法+法院+综治+N).
//! - [`dispute`]: the case record, one code per case (一案一编码).
//! - [`routing`]: rule sets as data — validated, compiled, explained (小事不出社区、大事不出街道).
//! - [`lifecycle`]: the state machine from registration to closing, checked against the law.
//! - [`trace`]: the SM3-chained record of every accepted step (留痕).
//! - [`journal`]: every accepted change in order, for the host to store and restore from.
//! - [`calendar`], [`deadline`]: working days with official holidays and 调休; yellow/red limits;
//!   [`period`]: the law's natural-day and month periods (民法典 art. 200–204).
//! - [`access`]: jurisdiction and masking; [`stats`], [`cadence`] (zero reports, daily
//!   analysis, weekly dispatch), [`whatif`]: the read side.
//! - [`engine`]: the façade that owns a world; [`engine::Reader`] is what one actor may
//!   read. The bindings (`fengqiao-binding`, shared by the C ABI and WebAssembly) call only
//!   this.
//!
//! The synthetic worlds and the Sajin scenario live in the unpublished `fengqiao-synth`
//! crate of the workspace.
//!
//! ```
//! use fengqiao::prelude::*;
//!
//! let mut h = Hierarchy::default();
//! h.add(Unit { code: "522301000000".parse()?, kind: UnitKind::County, name: "兴义市".into(), retired: false })?;
//! h.add(Unit { code: "522301010000".parse()?, kind: UnitKind::Street, name: "洒金街道".into(), retired: false })?;
//! assert_eq!(h.parent("522301010000".parse()?)?, Some("522301000000".parse()?));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod tagged;
mod vocab;

pub mod access;
pub mod agency;
pub mod assessment;
pub mod audit;
pub mod cadence;
pub mod calendar;
pub mod capture;
pub mod deadline;
pub mod dispute;
pub mod engine;
pub mod error;
pub mod gbt31000;
pub mod hierarchy;
pub mod journal;
pub mod lifecycle;
pub mod people;
pub mod period;
pub mod personal;
pub mod returns;
pub mod routing;
#[cfg(feature = "schema")]
pub mod schema;
pub mod signing;
pub mod staff;
pub mod stats;
pub mod table;
pub mod trace;
pub mod transfer;
pub mod whatif;
pub mod world;

pub use vocab::UnknownWord;

/// The library's semantic version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The types most programs need.
pub mod prelude {
    pub use crate::agency::{Agency, AgencyKind};
    pub use crate::calendar::Calendar;
    pub use crate::dispute::{
        CaseCode, Category, Channel, DisputeInput, Flag, Flags, GroupSize, Party, RiskColour,
        Urgency,
    };
    pub use crate::engine::{Case, Engine, EngineError, ErrorCode};
    pub use crate::hierarchy::{CodeScheme, DivisionCode, Hierarchy, Level, Unit, UnitKind};
    pub use crate::lifecycle::{
        Agreement, AgreementForm, Method, Operation, OperationKind, OtherRoute, ReferralTarget,
        State,
    };
    pub use crate::people::{IdNumber, Person, Phone};
    pub use crate::routing::{Decision, Router, RuleSet};
    pub use crate::staff::{Role, Staff};
    pub use crate::trace::{Actor, Event};
}

#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;
