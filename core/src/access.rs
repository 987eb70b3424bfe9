//! Jurisdiction and privacy: who may see and act on what, and what they see of residents'
//! identity numbers and phones.
//!
//! - Staff see and act on cases located or handled in their unit's subtree (or the units
//!   they cover), and cases whose team they are on.
//! - Agencies see and act on cases in their area (their unit's subtree) and cases they were
//!   joined to by routing or referred.
//! - The platform (`system`) acts everywhere.
//!
//! A refusal is an [`EngineError::Denied`](crate::engine::EngineError::Denied), and it is recorded in the engine's access log
//! ([`Engine::denials`](crate::engine::Engine::denials)) with who tried what, when. Identity numbers and phones are masked
//! for every actor whose role or agency kind is not listed in [`Privacy`].

use std::sync::Mutex;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::agency::AgencyKind;
use crate::dispute::Party;
use crate::hierarchy::DivisionCode;
use crate::lifecycle::{ActorKind, Dispute};
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

/// The access log: refused requests, and the rest of the audit record (see
/// [`crate::audit`]). Behind a mutex so that reads (`&Engine`) can record.
#[derive(Debug, Default)]
pub(crate) struct AccessLog(Mutex<Log>);

#[derive(Debug, Default, Clone)]
pub(crate) struct Log {
    denials: Vec<Denial>,
    audit: Vec<crate::audit::AuditEntry>,
}

impl Clone for AccessLog {
    fn clone(&self) -> Self {
        AccessLog(Mutex::new(self.lock().clone()))
    }
}

impl AccessLog {
    fn lock(&self) -> std::sync::MutexGuard<'_, Log> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn push(&self, d: Denial) {
        self.lock().denials.push(d);
    }

    pub(crate) fn push_audit(&self, a: crate::audit::AuditEntry) {
        self.lock().audit.push(a);
    }

    pub(crate) fn snapshot(&self) -> Vec<Denial> {
        self.lock().denials.clone()
    }

    pub(crate) fn audit(&self) -> Vec<crate::audit::AuditEntry> {
        self.lock().audit.clone()
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
    /// The legal windows running for the case at the moment of the view, each with the
    /// article it implements and its last day ([`crate::deadline::LegalWindow`]), so a
    /// handler sees a last day before it passes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub windows: Vec<crate::deadline::LegalWindow>,
}

/// A resident as an actor may see them: identity number and phone masked unless the
/// actor's role or agency kind is listed in [`Privacy`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PersonView {
    /// The host's key for this person.
    pub id: String,
    /// Name.
    pub name: String,
    /// Identity number, masked unless the actor may see it whole.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_number: Option<String>,
    /// Phone, masked likewise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// The household unit the person belongs to.
    pub household: DivisionCode,
    /// The key-person reason, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_person: Option<String>,
}

impl PersonView {
    /// `person` as seen by someone who does (`whole`) or does not see identifiers whole.
    pub fn of(person: &crate::people::Person, whole: bool) -> PersonView {
        PersonView {
            id: person.id.clone(),
            name: person.name.clone(),
            id_number: person.id_number.as_ref().map(|n| {
                if whole {
                    n.as_str().to_string()
                } else {
                    n.masked()
                }
            }),
            phone: person.phone.as_ref().map(|n| {
                if whole {
                    n.as_str().to_string()
                } else {
                    n.masked()
                }
            }),
            household: person.household,
            key_person: person.key_person.clone(),
        }
    }
}
