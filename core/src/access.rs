//! Jurisdiction and privacy: who may see and act on what, and what they see of residents'
//! identity numbers and phones.
//!
//! - Staff see and act on cases located or handled in their unit's subtree (or the units
//!   they cover), and cases whose team they are on.
//! - Agencies see and act on cases in their area (their unit's subtree) and cases they were
//!   joined to by routing or referred.
//! - The platform (`system`) acts everywhere.
//!
//! A refusal is an [`EngineError::Denied`], and it is recorded in the engine's access log
//! ([`Engine::denials`]) with who tried what, when. Identity numbers and phones are masked
//! for every actor whose role or agency kind is not listed in [`Privacy`].

use std::sync::Mutex;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::agency::AgencyKind;
use crate::dispute::{CaseCode, Party};
use crate::engine::{Engine, EngineError};
use crate::hierarchy::DivisionCode;
use crate::lifecycle::{ActorKind, Dispute, ReferralTarget};
use crate::staff::Role;
use crate::trace::Actor;

/// Which actors see identity numbers and phones whole. Configuration: by default the
/// mediators and centre staff who must contact parties, and the police and court.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Privacy {
    /// Staff roles that see personal identifiers whole.
    pub roles: Vec<Role>,
    /// Agency kinds that see them whole.
    pub agencies: Vec<AgencyKind>,
}

impl Default for Privacy {
    fn default() -> Self {
        Privacy {
            roles: vec![Role::Mediator, Role::CentreStaff],
            agencies: vec![
                AgencyKind::Police,
                AgencyKind::Court,
                AgencyKind::GovernanceCentre,
            ],
        }
    }
}

impl Privacy {
    /// Whether `actor` sees identifiers whole.
    pub fn sees_whole(&self, actor: ActorKind) -> bool {
        match actor {
            ActorKind::Staff(r) => self.roles.contains(&r),
            ActorKind::Agency(k) => self.agencies.contains(&k),
            ActorKind::System => true,
        }
    }
}

/// A refused request, as the access log keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Denial {
    /// When.
    pub at: DateTime<Utc>,
    /// Who tried.
    pub actor: Actor,
    /// What (an operation name or a read such as `view`).
    pub action: String,
    /// On what (a case code or a unit code).
    pub target: String,
}

/// The access log: refused requests. Behind a mutex so that reads (`&Engine`) can record.
#[derive(Debug, Default)]
pub(crate) struct AccessLog(Mutex<Vec<Denial>>);

impl Clone for AccessLog {
    fn clone(&self) -> Self {
        AccessLog(Mutex::new(self.snapshot()))
    }
}

impl AccessLog {
    fn push(&self, d: Denial) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).push(d);
    }

    pub(crate) fn snapshot(&self) -> Vec<Denial> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

/// A party as an actor may see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PartyView {
    /// The party as registered.
    pub party: Party,
    /// Name, for persons.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Identity number, masked unless the actor may see it whole.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_number: Option<String>,
    /// Phone, masked likewise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// The key-person reason, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_person: Option<String>,
}

/// A case as an actor may see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CaseView {
    /// The case record.
    pub dispute: Dispute,
    /// The parties, with personal identifiers masked as the actor requires.
    pub parties: Vec<PartyView>,
    /// Number of events in the trace.
    pub events: usize,
}

impl Engine {
    pub(crate) fn actor_units(&self, actor: &Actor) -> Vec<DivisionCode> {
        match actor {
            Actor::Staff(id) => self
                .staff(id)
                .map(|s| {
                    std::iter::once(s.unit)
                        .chain(s.covers.iter().copied())
                        .collect()
                })
                .unwrap_or_default(),
            Actor::Agency(id) => self.agency(id).map(|a| vec![a.unit]).unwrap_or_default(),
            Actor::System => Vec::new(),
        }
    }

    fn in_area(&self, actor: &Actor, unit: DivisionCode) -> bool {
        self.actor_units(actor)
            .into_iter()
            .any(|a| self.hierarchy().is_within(unit, a).unwrap_or(false))
    }

    /// Whether `actor` may see or act on `d`.
    pub fn may_access(&self, actor: &Actor, d: &Dispute) -> bool {
        if *actor == Actor::System {
            return true;
        }
        if self.in_area(actor, d.input.location) || self.in_area(actor, d.handling_unit) {
            return true;
        }
        let Some(r) = &d.routing else { return false };
        match actor {
            Actor::Staff(id) => r.team.iter().any(|m| &m.staff == id),
            Actor::Agency(id) => {
                r.agencies
                    .iter()
                    .any(|a| a.agency.as_deref() == Some(id.as_str()))
                    || matches!(
                        (d.referred_to, self.agency(id).map(|a| a.kind)),
                        (Some(ReferralTarget::Court), Some(AgencyKind::Court))
                            | (Some(ReferralTarget::Police), Some(AgencyKind::Police))
                            | (
                                Some(ReferralTarget::LabourArbitration),
                                Some(AgencyKind::Labour)
                            )
                    )
            }
            Actor::System => true,
        }
    }

    fn deny(
        &self,
        actor: &Actor,
        action: &str,
        target: String,
        reason: &str,
        at: DateTime<Utc>,
    ) -> EngineError {
        self.access_log.push(Denial {
            at,
            actor: actor.clone(),
            action: action.to_string(),
            target: target.clone(),
        });
        EngineError::Denied {
            actor: actor.to_string(),
            action: action.to_string(),
            target,
            reason: reason.to_string(),
        }
    }

    pub(crate) fn authorize_case(
        &self,
        actor: &Actor,
        d: &Dispute,
        action: &str,
        at: DateTime<Utc>,
    ) -> Result<(), EngineError> {
        if self.may_access(actor, d) {
            Ok(())
        } else {
            Err(self.deny(
                actor,
                action,
                d.code.to_string(),
                "the case is outside the actor's area and was not assigned or referred to it",
                at,
            ))
        }
    }

    pub(crate) fn authorize_unit(
        &self,
        actor: &Actor,
        unit: DivisionCode,
        action: &str,
        at: DateTime<Utc>,
    ) -> Result<(), EngineError> {
        if *actor == Actor::System || self.in_area(actor, unit) {
            Ok(())
        } else {
            Err(self.deny(
                actor,
                action,
                unit.to_string(),
                "the unit is outside the actor's area",
                at,
            ))
        }
    }

    /// A case as `actor` may see it (refused, and logged, outside the actor's remit).
    pub fn view_case(
        &self,
        actor: &Actor,
        code: &CaseCode,
        now: DateTime<Utc>,
    ) -> Result<CaseView, EngineError> {
        let kind = self.actor_kind(actor)?;
        let case = self.case(code)?;
        self.authorize_case(actor, &case.dispute, "view", now)?;
        let whole = self.privacy.sees_whole(kind);
        let parties = case
            .dispute
            .input
            .parties
            .iter()
            .map(|p| {
                let person = match p {
                    Party::Person(id) => self.person(id),
                    _ => None,
                };
                PartyView {
                    party: p.clone(),
                    name: person.map(|x| x.name.clone()),
                    id_number: person.and_then(|x| x.id_number.as_ref()).map(|n| {
                        if whole {
                            n.as_str().to_string()
                        } else {
                            n.masked()
                        }
                    }),
                    phone: person.and_then(|x| x.phone.as_ref()).map(|n| {
                        if whole {
                            n.as_str().to_string()
                        } else {
                            n.masked()
                        }
                    }),
                    key_person: person.and_then(|x| x.key_person.clone()),
                }
            })
            .collect();
        Ok(CaseView {
            dispute: case.dispute.clone(),
            parties,
            events: case.events.len(),
        })
    }

    /// The cases `actor` may see, in code order.
    pub fn visible_cases<'a>(
        &'a self,
        actor: &'a Actor,
    ) -> impl Iterator<Item = &'a crate::engine::Case> + 'a {
        self.cases()
            .filter(move |c| self.may_access(actor, &c.dispute))
    }

    /// Refused requests, oldest first.
    pub fn denials(&self) -> Vec<Denial> {
        self.access_log.snapshot()
    }

    /// Replaces the privacy configuration.
    pub fn set_privacy(&mut self, privacy: Privacy) {
        self.privacy = privacy;
    }
}
