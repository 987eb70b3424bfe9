//! The engine's side of jurisdiction and privacy: authorising reads and operations against
//! the rules in [`crate::access`], logging denials, masked case views.

use crate::access::*;
use crate::agency::AgencyKind;
use crate::dispute::{CaseCode, Party};
use crate::engine::{Engine, EngineError};
use crate::hierarchy::DivisionCode;
use crate::lifecycle::{Dispute, ReferralTarget};
use crate::trace::Actor;
use chrono::{DateTime, Utc};

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
        let denial = Denial {
            at,
            actor: actor.clone(),
            action: action.to_string(),
            target: target.clone(),
        };
        self.access_log.push(denial.clone());
        self.journal_change_shared(crate::journal::Change::Denied(denial));
        EngineError::Denied {
            actor: actor.to_string(),
            action: action.to_string(),
            target,
            reason: reason.to_string(),
        }
    }

    /// Whether `actor` may operate on `d` (not only see it). Once a case is routed, who
    /// acts follows the decision: the team, the joined agencies and the body it was
    /// referred to; above them the governance centre of the area (综治中心 drives the
    /// process) and the staff of units above the handling unit (supervision). When the case
    /// has moved since routing (reported up, assigned down), the staff of the unit now
    /// handling it act too. Before routing, the area decides, as for reading.
    pub fn may_act(&self, actor: &Actor, d: &Dispute) -> bool {
        let Some(r) = &d.routing else {
            return self.may_access(actor, d);
        };
        match actor {
            Actor::System => true,
            Actor::Agency(_) => self.may_access(actor, d),
            Actor::Staff(id) => {
                if r.team.iter().any(|m| &m.staff == id) {
                    return true;
                }
                let Some(s) = self.staff(id) else {
                    return false;
                };
                let h = self.hierarchy();
                let handling = d.handling_unit;
                let units = || std::iter::once(s.unit).chain(s.covers.iter().copied());
                let above =
                    units().any(|u| u != handling && h.is_within(handling, u).unwrap_or(false));
                let here = units().any(|u| h.is_within(handling, u).unwrap_or(false));
                let moved = h.resolve(r.unit).ok() != Some(handling);
                above || (here && (s.role == crate::staff::Role::CentreStaff || moved))
            }
        }
    }

    /// Authorises reading `d`: the area, the team, joined and referral bodies.
    pub(crate) fn authorize_read(
        &self,
        actor: &Actor,
        d: &Dispute,
        action: &str,
        at: DateTime<Utc>,
    ) -> Result<(), EngineError> {
        self.authorize(actor, d, action, at, false)
    }

    /// Authorises operating on `d` ([`Engine::may_act`]).
    pub(crate) fn authorize_case(
        &self,
        actor: &Actor,
        d: &Dispute,
        action: &str,
        at: DateTime<Utc>,
    ) -> Result<(), EngineError> {
        self.authorize(actor, d, action, at, true)
    }

    /// Reading needs [`Engine::may_access`]; acting also [`Engine::may_act`]. A refusal is
    /// logged with the reason that applies.
    fn authorize(
        &self,
        actor: &Actor,
        d: &Dispute,
        action: &str,
        at: DateTime<Utc>,
        acting: bool,
    ) -> Result<(), EngineError> {
        let reason = if !self.may_access(actor, d) {
            "the case is outside the actor's area and was not assigned or referred to it"
        } else if acting && !self.may_act(actor, d) {
            "the actor is not on the case's team, nor its centre or a unit above it: the team, the joined agencies and the centre act on a routed case"
        } else {
            return Ok(());
        };
        Err(self.deny(actor, action, d.code.to_string(), reason, at))
    }

    pub(crate) fn authorize_unit(
        &self,
        actor: &Actor,
        unit: DivisionCode,
        action: &str,
        at: DateTime<Utc>,
    ) -> Result<(), EngineError> {
        // A unit that does not exist is `not_found` for everyone, never a denial.
        self.hierarchy().unit(unit)?;
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
    ///
    /// **Writes the journal.** A whole read of personal data (an actor who sees identifiers
    /// whole) adds an audit entry (`read_whole`; 等保 GB/T 22239-2019 8.1.4.3), and a refused
    /// read a denial: both move the journal's head, so store the journal after this read as
    /// after a write.
    pub(crate) fn view_case(
        &self,
        actor: &Actor,
        code: &CaseCode,
        now: DateTime<Utc>,
    ) -> Result<CaseView, EngineError> {
        let kind = self.actor_kind(actor)?;
        let case = self.case(code)?;
        self.authorize_read(actor, &case.dispute, "view", now)?;
        let whole = self.privacy.sees_whole(kind);
        self.audit_whole_reads(actor, &case.dispute.input.parties, whole, now);
        let parties = case
            .dispute
            .input
            .parties
            .iter()
            .map(|p| {
                let person = match p {
                    Party::Person(id) => self.person(id).map(|x| PersonView::of(x, whole)),
                    _ => None,
                };
                PartyView {
                    party: p.clone(),
                    name: person.as_ref().map(|x| x.name.clone()),
                    id_number: person.as_ref().and_then(|x| x.id_number.clone()),
                    phone: person.as_ref().and_then(|x| x.phone.clone()),
                    key_person: person.and_then(|x| x.key_person),
                }
            })
            .collect();
        let mut dispute = case.dispute.clone();
        dispute.routing = dispute
            .routing
            .map(|d| std::sync::Arc::new(self.explained((*d).clone())));
        let subject = code.as_str();
        let mut texts: Vec<&mut String> =
            vec![&mut std::sync::Arc::make_mut(&mut dispute.input).description];
        if let Some(a) = &mut dispute.agreement {
            texts.push(&mut a.terms);
        }
        if let Some((plan, _)) = dispute.watch.as_deref_mut() {
            texts.push(plan);
        }
        texts.extend(dispute.extensions.iter_mut().map(|x| &mut x.reason));
        self.read_texts(subject, texts, whole, actor, now);
        Ok(CaseView {
            windows: self.legal_windows(&case.dispute, now),
            dispute,
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

    /// Audits each named resident whose identity number or phone a view shows whole.
    pub(crate) fn audit_whole_reads(
        &self,
        actor: &Actor,
        parties: &[Party],
        whole: bool,
        now: DateTime<Utc>,
    ) {
        if !whole || *actor == Actor::System {
            return;
        }
        for p in parties {
            if let Party::Person(id) = p {
                self.audit_whole_person(actor, id, now);
            }
        }
    }

    /// Audits a whole read of one resident's identifiers, if the record has any.
    pub(crate) fn audit_whole_person(&self, actor: &Actor, id: &str, now: DateTime<Utc>) {
        let shown = self
            .person(id)
            .is_some_and(|p| p.id_number.is_some() || p.phone.is_some());
        if shown {
            let target = format!("person:{id}");
            self.audit(
                actor,
                "read_whole",
                crate::audit::Outcome::ReadWhole,
                &target,
                now,
                None,
                "",
            );
        }
    }

    /// Refused requests, oldest first.
    pub fn denials(&self) -> Vec<Denial> {
        self.access_log.snapshot()
    }

    /// Replaces the privacy configuration.
    pub fn set_privacy(&mut self, privacy: Privacy) {
        self.privacy = privacy.clone();
        self.journal_change(crate::journal::Change::PrivacySet(privacy));
    }
}
