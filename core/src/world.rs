//! The world document: the places, residents, staff, agencies and, optionally, a rule set,
//! calendar years, local calendars and privacy settings — what a host loads to build an
//! engine ([`crate::engine::Engine::from_world`]), what the journal's origin is the digest of
//! ([`crate::journal::origin`]), and what an export writes. Its own module because the
//! journal and the bindings read it without the engine.

use crate::access::Privacy;
use crate::agency::Agency;
use crate::people::Person;
use crate::routing::RuleSet;
use crate::staff::Staff;

/// A whole world as JSON: the places, residents, staff, agencies and (optionally) a rule set
/// and extra calendar years. What a binding loads to build an engine.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct WorldData {
    /// The hierarchy.
    pub hierarchy: crate::hierarchy::HierarchyData,
    /// Residents.
    #[serde(default)]
    pub people: Vec<Person>,
    /// Staff.
    #[serde(default)]
    pub staff: Vec<Staff>,
    /// Agencies.
    #[serde(default)]
    pub agencies: Vec<Agency>,
    /// A rule set; the shipped default rules if absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rules: Option<RuleSet>,
    /// Holiday notices for years beyond the shipped 2021–2026.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub calendar_years: Vec<crate::calendar::YearNotice>,
    /// Units' own days off and working days over the national calendar (特色日历).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub local_calendars: Vec<crate::calendar::LocalCalendar>,
    /// Who sees identity numbers and phones whole; the default if absent. Part of the
    /// world, not of a binding, so every front-end masks alike.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privacy: Option<Privacy>,
    /// Residents whose personal data is sealed (see [`crate::personal`]): what a world
    /// export carries for them once a protector is set.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sealed_people: Vec<crate::personal::SealedPerson>,
    /// Subjects (residents' ids, case codes) whose personal data was erased.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub erased: Vec<String>,
    /// The capture device (采集终端) this engine runs on, 1 to 99,999, issued by the street's
    /// system to a grid worker's phone: the engine codes its registrations in the device's own
    /// block, so captures made offline on two phones never share a code (see
    /// [`crate::capture`]). Absent for a centre's engine.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capture_device: Option<u64>,
}
