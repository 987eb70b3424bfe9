//! Team assembly and agency joining: turning an outcome's roles and agency kinds into
//! named people and bodies, with a reason for every choice.
//!
//! For each role the search walks up from the dispute's location (grid → community →
//! street → county), and at the first unit whose level the slot allows and that has an
//! eligible person of that role, picks the least loaded (ties: the smaller staff id). A
//! person is passed over when unavailable or when recusal (回避) applies: they are a party,
//! or they live in a party's household. A role nobody can fill is reported, never dropped.
//! The walk is a path, not a tree search, so its cost does not grow with the hierarchy.

use std::collections::{HashMap, HashSet};

use petgraph::stable_graph::NodeIndex;
use serde::{Deserialize, Serialize};

use super::model::TeamSlot;
use crate::agency::{Agency, AgencyId, AgencyKind};
use crate::dispute::TeamMember;
use crate::hierarchy::{DivisionCode, Hierarchy};
use crate::people::{Person, PersonId};
use crate::staff::{Role, Staff, StaffId};

/// Who serves where: staff and agencies indexed by (unit, role/kind). Maintained by the
/// engine as staff and agencies are added.
#[derive(Debug, Clone, Default)]
pub struct Directory {
    staff_at: HashMap<(NodeIndex, Role), Vec<usize>>,
    agencies_at: HashMap<(NodeIndex, AgencyKind), Vec<usize>>,
    roles_at_level: HashSet<(crate::hierarchy::Level, Role)>,
    agency_kinds: HashSet<AgencyKind>,
}

impl Directory {
    /// Indexes staff member `i` under its unit and every unit it covers.
    pub fn add_staff(&mut self, i: usize, s: &Staff, h: &Hierarchy) {
        for code in std::iter::once(&s.unit).chain(&s.covers) {
            if let Ok(n) = h.node(*code) {
                self.staff_at.entry((n, s.role)).or_default().push(i);
                self.roles_at_level.insert((h.unit_at(n).level(), s.role));
            }
        }
    }

    /// Indexes agency `i` under its unit.
    pub fn add_agency(&mut self, i: usize, a: &Agency, h: &Hierarchy) {
        if let Ok(n) = h.node(a.unit) {
            self.agencies_at.entry((n, a.kind)).or_default().push(i);
            self.agency_kinds.insert(a.kind);
        }
    }

    /// Whether any staff of `role` serves a unit at `level` (the validator's schema check).
    pub fn has_role_at(&self, level: crate::hierarchy::Level, role: Role) -> bool {
        self.roles_at_level.contains(&(level, role))
    }

    /// Whether any agency of this kind exists.
    pub fn has_agency(&self, kind: AgencyKind) -> bool {
        self.agency_kinds.contains(&kind)
    }

    /// Staff indices serving `node` in `role`.
    pub fn staff_at(&self, node: NodeIndex, role: Role) -> &[usize] {
        self.staff_at.get(&(node, role)).map_or(&[], Vec::as_slice)
    }
}

/// Why a candidate was or was not chosen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", tag = "verdict")]
pub enum Verdict {
    /// Chosen: the least loaded eligible person at the nearest unit with one.
    Chosen {
        /// Their open cases at the time.
        load: u32,
    },
    /// Eligible, but someone at the same unit had fewer open cases (or the same and a smaller id).
    MoreLoaded {
        /// Their open cases.
        load: u32,
    },
    /// Marked unavailable.
    Unavailable,
    /// Recused (回避).
    Recused {
        /// Why.
        reason: String,
    },
}

/// One person considered for a role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Candidate {
    /// The role being filled.
    pub role: Role,
    /// The person considered.
    pub staff: StaffId,
    /// The unit they serve.
    pub unit: DivisionCode,
    /// The outcome.
    #[serde(flatten)]
    pub verdict: Verdict,
}

// Read by hand: serde reads a flattened field by buffering the whole object first (its
// private `Content`), which cost an allocation per value of every candidate of every route
// event while restoring, and a second copy of the reading code (see `crate::tagged`). The
// JSON is the same: the verdict's fields beside the candidate's.
impl<'de> Deserialize<'de> for Candidate {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Candidate, D::Error> {
        #[derive(Deserialize)]
        #[serde(rename_all = "snake_case")]
        enum Kind {
            Chosen,
            MoreLoaded,
            Unavailable,
            Recused,
        }
        /// The candidate with its verdict's fields beside it, as written.
        #[derive(Deserialize)]
        struct Flat {
            role: Role,
            staff: StaffId,
            unit: DivisionCode,
            verdict: Kind,
            #[serde(default)]
            load: Option<u32>,
            #[serde(default)]
            reason: Option<String>,
        }
        use serde::de::Error;
        let f = Flat::deserialize(d)?;
        let load = || f.load.ok_or_else(|| D::Error::missing_field("load"));
        let verdict = match f.verdict {
            Kind::Chosen => Verdict::Chosen { load: load()? },
            Kind::MoreLoaded => Verdict::MoreLoaded { load: load()? },
            Kind::Unavailable => Verdict::Unavailable,
            Kind::Recused => Verdict::Recused {
                reason: f.reason.ok_or_else(|| D::Error::missing_field("reason"))?,
            },
        };
        Ok(Candidate {
            role: f.role,
            staff: f.staff,
            unit: f.unit,
            verdict,
        })
    }
}

/// A role nobody could fill, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Unfilled {
    /// The role.
    pub role: Role,
    /// Why it could not be filled.
    pub reason: String,
}

/// An agency joined, or a kind nobody could provide.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct JoinedAgency {
    /// The kind asked for.
    pub kind: AgencyKind,
    /// The body found at or above the handling unit, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency: Option<AgencyId>,
}

/// Everything team assembly needs to know about the world.
#[derive(Clone, Copy)]
pub struct World<'a> {
    /// The places.
    pub hierarchy: &'a Hierarchy,
    /// Staff, indexed by the directory.
    pub staff: &'a [Staff],
    /// Agencies, indexed by the directory.
    pub agencies: &'a [Agency],
    /// The index.
    pub directory: &'a Directory,
    /// Residents, for recusal.
    pub people: &'a HashMap<PersonId, Person>,
}

/// The parties as recusal sees them.
#[derive(Debug, Default)]
pub struct PartySet {
    /// Persons who are parties.
    pub persons: HashSet<PersonId>,
    /// Households of parties (named households and the households of named persons).
    pub households: HashSet<DivisionCode>,
}

/// Fills the slots; returns members, candidates considered and unfilled roles.
pub fn assemble(
    world: &World,
    start: NodeIndex,
    slots: &[TeamSlot],
    parties: &PartySet,
) -> (Vec<TeamMember>, Vec<Candidate>, Vec<Unfilled>) {
    let mut members = Vec::new();
    let mut considered = Vec::new();
    let mut unfilled = Vec::new();
    let h = world.hierarchy;
    for slot in slots {
        let mut chosen = None;
        for node in h.path_nodes(start) {
            let unit = h.unit_at(node);
            if !slot.from.is_empty() && !slot.from.contains(&unit.level()) {
                continue;
            }
            let at = world.directory.staff_at(node, slot.role);
            if at.is_empty() {
                continue;
            }
            let mut eligible: Vec<&Staff> = Vec::new();
            for &i in at {
                let s = &world.staff[i];
                let verdict = if !s.available {
                    Some(Verdict::Unavailable)
                } else {
                    recusal(world, s, parties).map(|reason| Verdict::Recused { reason })
                };
                match verdict {
                    Some(v) => considered.push(Candidate {
                        role: slot.role,
                        staff: s.id.clone(),
                        unit: unit.code,
                        verdict: v,
                    }),
                    None => eligible.push(s),
                }
            }
            if eligible.is_empty() {
                continue;
            }
            eligible.sort_by(|a, b| {
                a.active_cases
                    .cmp(&b.active_cases)
                    .then_with(|| a.id.cmp(&b.id))
            });
            for (k, s) in eligible.iter().enumerate() {
                considered.push(Candidate {
                    role: slot.role,
                    staff: s.id.clone(),
                    unit: unit.code,
                    verdict: if k == 0 {
                        Verdict::Chosen {
                            load: s.active_cases,
                        }
                    } else {
                        Verdict::MoreLoaded {
                            load: s.active_cases,
                        }
                    },
                });
            }
            chosen = Some(TeamMember {
                role: slot.role,
                staff: eligible[0].id.clone(),
                unit: unit.code,
                chosen: None,
            });
            break;
        }
        match chosen {
            Some(m) => members.push(m),
            None => unfilled.push(Unfilled {
                role: slot.role,
                reason: if slot.from.is_empty() {
                    format!("no available, non-recused {} at or above the dispute's unit", slot.role.label_en())
                } else {
                    format!(
                        "no available, non-recused {} at the allowed level(s) {} on the dispute's path",
                        slot.role.label_en(),
                        slot.from.iter().map(|l| l.as_str()).collect::<Vec<_>>().join(", ")
                    )
                },
            }),
        }
    }
    (members, considered, unfilled)
}

fn recusal(world: &World, s: &Staff, parties: &PartySet) -> Option<String> {
    let pid = s.person.as_ref()?;
    if parties.persons.contains(pid) {
        return Some("is a party to the dispute".into());
    }
    let hh = world.people.get(pid)?.household;
    if parties.households.contains(&hh) {
        return Some(format!("lives in a party's household ({hh})"));
    }
    None
}

/// Finds, for each kind, the nearest agency of that kind at or above `start`.
pub fn join_agencies(world: &World, start: NodeIndex, kinds: &[AgencyKind]) -> Vec<JoinedAgency> {
    let h = world.hierarchy;
    kinds
        .iter()
        .map(|&kind| JoinedAgency {
            kind,
            agency: h.path_nodes(start).find_map(|n| {
                world
                    .directory
                    .agencies_at
                    .get(&(n, kind))
                    .and_then(|v| v.iter().map(|&i| &world.agencies[i].id).min().cloned())
            }),
        })
        .collect()
}
