//! Cases: registering, routing, operating, tracing and sweeping deadlines.

use chrono::{DateTime, Datelike, Utc};
use serde::{Deserialize, Serialize};

use super::{Engine, EngineError};
use crate::calendar::china_date;
use crate::deadline::{self, DeadlineStatus, Standing};
use crate::dispute::{CaseCode, DisputeInput};
use crate::lifecycle::{self, Context, Dispute, Operation};
use crate::routing::{Decision, EscalateWhen, Target};
use crate::trace::{self, Actor, Event, Hash};

/// A case: its current state and its trace.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Case {
    /// The state.
    pub dispute: Dispute,
    /// Every accepted operation, chained.
    pub events: Vec<Event>,
    /// Its entry in the statistics ledger.
    #[serde(skip)]
    #[cfg_attr(feature = "schema", schemars(skip))]
    pub(crate) slot: u32,
}

impl Case {
    /// Appends an event, sharing the case's code with it. A closed case gives back its
    /// vector's spare room: a vector grows by doubling, and most of a county's cases are
    /// closed, so their events would otherwise hold room for a third more (issue 37, memory
    /// per case). (Not a transferred one: a transfer in comes next at the receiver, and at
    /// the sender a result may come back.)
    pub(crate) fn push(&mut self, mut event: Event) {
        event.case = self.dispute.code.clone();
        self.events.push(event);
        if self.dispute.state == crate::lifecycle::State::Closed {
            self.events.shrink_to_fit();
        }
    }

    /// The hash of the last event: record it elsewhere to detect a rewritten chain.
    pub fn head(&self) -> Hash {
        self.events.last().map_or(Hash::GENESIS, |e| e.hash)
    }
}

/// The result of a deadline sweep.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Sweep {
    /// Every case with a running limit or a legal notice, most urgent first.
    pub statuses: Vec<DeadlineStatus>,
    /// Cases reported up by the sweep, with the unit they went to.
    pub escalated: Vec<(CaseCode, crate::hierarchy::DivisionCode)>,
}

impl Engine {
    /// Registers a dispute (录入): checks it, assigns its case code, starts its trace.
    /// With a protector set, its description is sealed under the new case's code before it
    /// is hashed. A refusal is audited ([`crate::audit`]).
    pub fn register(
        &mut self,
        actor: &Actor,
        input: DisputeInput,
        now: DateTime<Utc>,
    ) -> Result<CaseCode, EngineError> {
        let target = input.location.to_string();
        self.register_checked(actor, input, now)
            .inspect_err(|e| self.audit_error(actor, "register", &target, now, e))
    }

    fn register_checked(
        &mut self,
        actor: &Actor,
        input: DisputeInput,
        now: DateTime<Utc>,
    ) -> Result<CaseCode, EngineError> {
        let kind = self.actor_kind(actor)?;
        if !lifecycle::permitted(lifecycle::OperationKind::Register, kind) {
            return Err(EngineError::Lifecycle(lifecycle::LifecycleError {
                refusal: lifecycle::Refusal::NotPermitted,
                operation: lifecycle::OperationKind::Register,
                state: lifecycle::State::Registered,
                message: format!("{kind} may not register disputes"),
            }));
        }
        self.authorize_unit(actor, input.location, "register", now)?;
        if let Some(code) = self.registered_before(&input)? {
            return Ok(code);
        }
        let unit = self.hierarchy.unit(input.location)?;
        if unit.retired {
            return Err(EngineError::RetiredUnit(unit.code));
        }
        self.check_parties(&input.parties, china_date(now))?;
        if let Some(amount) = input
            .amount_yuan
            .filter(|&a| a > lifecycle::MAX_AMOUNT_YUAN)
        {
            return Err(EngineError::ImplausibleAmount {
                amount,
                max: lifecycle::MAX_AMOUNT_YUAN,
            });
        }
        if let Some(by) = input.assigned_by {
            self.hierarchy.unit(by)?;
        }
        if let Some(s) = &input.subtype {
            let known = self
                .router
                .rule_set()
                .vocabulary
                .subtypes
                .get(&input.category)
                .is_some_and(|v| v.contains(s));
            if !known {
                return Err(EngineError::UndeclaredSubtype {
                    category: input.category,
                    subtype: s.clone(),
                });
            }
        }
        if input.discovered_at.year() < 1900 {
            return Err(EngineError::DiscoveredTooEarly {
                discovered_at: input.discovered_at,
            });
        }
        if input.discovered_at > now {
            return Err(EngineError::DiscoveredInFuture {
                discovered_at: input.discovered_at,
                now,
            });
        }
        let date = china_date(now);
        let device = self.capture_device.map_or(0, |d| d.get());
        let n = self
            .day_seq
            .get(&(input.location, date, device))
            .copied()
            .unwrap_or(0)
            + 1;
        let seq = match self.capture_device {
            Some(d) => d.sequence(n)?,
            None => n,
        };
        let code = CaseCode::new(input.location, date, seq);
        let mut op = Operation::Register {
            code: code.clone(),
            input: std::sync::Arc::new(input),
        };
        self.seal_texts(&code, &mut op)?;
        self.day_seq.insert((input_location(&op), date, device), n);
        let Operation::Register { input, .. } = &op else {
            unreachable!("built above")
        };
        let input = input.clone();
        // Nothing below fails: the references are the case's from here.
        self.index_references(&code, &input);
        let event = Event::new(code.clone(), None, now, actor.clone(), op);
        let dispute = lifecycle::register(code.clone(), input, now);
        let slot = self.ledger.push(crate::stats::Entry::of(
            &dispute,
            &self.calendar,
            self.router.rule_set(),
        ));
        let hash = event.hash;
        self.cases.insert(
            code.clone(),
            Box::new(Case {
                dispute,
                events: vec![event],
                slot,
            }),
        );
        self.codes.push(code.clone());
        self.journal_event(slot, 0, hash);
        Ok(code)
    }

    /// The case a registration already made, when `input` carries its idempotency key
    /// (the same dispute resent: nothing changes); refused when the key made another
    /// dispute, or the external reference is already a case. Checks both strings first.
    fn registered_before(&self, input: &DisputeInput) -> Result<Option<CaseCode>, EngineError> {
        let check = |field: &'static str, s: &str| {
            let n = s.chars().count();
            if n == 0 || n > crate::dispute::MAX_REFERENCE_CHARS || s.chars().any(char::is_control)
            {
                Err(EngineError::BadReference {
                    field,
                    message: format!(
                        "{s:?} is not 1 to {} characters without control characters",
                        crate::dispute::MAX_REFERENCE_CHARS
                    ),
                })
            } else {
                Ok(())
            }
        };
        if let Some(x) = &input.external {
            check("external.system", &x.system)?;
            check("external.id", &x.id)?;
        }
        if let Some(key) = &input.idempotency_key {
            check("idempotency_key", key)?;
            if let Some(code) = self.by_key.get(key) {
                let was = &self.case(code)?.dispute.input;
                // The same dispute: what identifies it, not its free text (which a
                // protector may have sealed since).
                let same = was.category == input.category
                    && was.channel == input.channel
                    && was.location == input.location
                    && was.parties == input.parties
                    && was.discovered_at == input.discovered_at
                    && was.external == input.external;
                return if same {
                    Ok(Some(code.clone()))
                } else {
                    Err(EngineError::KeyReused {
                        key: key.clone(),
                        case: code.clone(),
                    })
                };
            }
        }
        if let Some(x) = &input.external {
            if let Some(code) = self.by_external.get(x) {
                return Err(EngineError::ExternalTaken {
                    system: x.system.clone(),
                    id: x.id.clone(),
                    case: code.clone(),
                });
            }
        }
        Ok(None)
    }

    /// Remembers a registration's idempotency key and external reference.
    pub(crate) fn index_references(&mut self, code: &CaseCode, input: &DisputeInput) {
        if let Some(key) = &input.idempotency_key {
            self.by_key.insert(key.clone(), code.clone());
        }
        if let Some(x) = &input.external {
            self.by_external.insert((**x).clone(), code.clone());
        }
    }

    /// A case, whole. Trusted: no actor is checked (a user reads through [`Engine::reader`]).
    pub fn case(&self, code: &CaseCode) -> Result<&Case, EngineError> {
        self.cases
            .get(code)
            .map(|c| &**c)
            .ok_or_else(|| EngineError::UnknownCase(code.clone()))
    }

    /// Every case, in code order. Trusted: no actor is checked.
    pub fn cases(&self) -> impl Iterator<Item = &Case> {
        self.cases.values().map(|c| &**c)
    }

    /// Number of cases.
    pub fn case_count(&self) -> usize {
        self.cases.len()
    }

    /// The routing decision of a case: the one applied, once it is routed (the team and
    /// agencies acting on it, not a recomputation that could pick other people today); what
    /// the rules would decide now, before. [`Engine::decide_input`] previews any input.
    pub fn decide(&self, code: &CaseCode) -> Result<Decision, EngineError> {
        let case = self.case(code)?;
        match &case.dispute.routing {
            Some(d) => Ok(self.explained((**d).clone())),
            None => Ok(self.router.decide(&case.dispute.input, &self.world())?),
        }
    }

    /// A recorded decision with its explanation whole again: the rule notes rebuilt from
    /// the rule set version it names (the engine keeps every version a case was decided
    /// by), the chosen candidates from the team (see [`Decision::recorded`]).
    pub(crate) fn explained(&self, mut d: Decision) -> Decision {
        if d.explanation.rules.is_empty() {
            if let Some(set) = self.rule_sets.get(&d.rule_set) {
                d.explanation.rules = set.notes(&d.matched);
            }
        }
        d.restore_chosen();
        d
    }

    /// What routing would decide for a dispute that is not registered (what-if, previews),
    /// with the legal windows a registration on the day it was discovered would start.
    pub fn decide_input(&self, input: &DisputeInput) -> Result<Decision, EngineError> {
        let mut decision = self.router.decide(input, &self.world())?;
        decision.legal_windows = deadline::registration_windows(
            input,
            &self.calendar,
            self.router.rule_set(),
            china_date(input.discovered_at),
        );
        Ok(decision)
    }

    /// Routes a case (流转): decides and applies the decision as a traced `route` event.
    /// If the rules say to escalate immediately (越级上报), a `report_up` event follows. A
    /// refusal is audited.
    pub fn route(
        &mut self,
        actor: &Actor,
        code: &CaseCode,
        now: DateTime<Utc>,
    ) -> Result<Decision, EngineError> {
        self.route_checked(actor, code, now)
            .inspect_err(|e| self.audit_error(actor, "route", code.as_str(), now, e))
    }

    fn route_checked(
        &mut self,
        actor: &Actor,
        code: &CaseCode,
        now: DateTime<Utc>,
    ) -> Result<Decision, EngineError> {
        let input = &self.case(code)?.dispute.input;
        let mut decision = self.router.decide(input, &self.world())?;
        let recorded = decision.recorded();
        self.apply_op(
            actor,
            code,
            Operation::Route {
                decision: std::sync::Arc::new(recorded),
            },
            now,
        )?;
        if let Some(esc) = &decision.escalation {
            if esc.when == EscalateWhen::Immediately {
                self.escalate(
                    code,
                    esc.to,
                    esc.cc.iter().map(|k| k.as_str().to_string()).collect(),
                    "越级上报: the rules report this dispute up at once",
                    now,
                )?;
            }
        }
        decision.legal_windows = self.legal_windows(&self.case(code)?.dispute, now);
        Ok(decision)
    }

    /// The legal windows running for `d` at `now`, under the rule set that decided it.
    pub(crate) fn legal_windows(
        &self,
        d: &Dispute,
        now: DateTime<Utc>,
    ) -> Vec<deadline::LegalWindow> {
        let rules = super::journal::rules_for(&self.rule_sets, self.router.rule_set(), d);
        let red = deadline::running_due(d, &self.calendar, rules).map(|due| due.red);
        deadline::windows(d, &self.calendar, rules, china_date(now), red)
            .into_iter()
            .map(|(w, _)| w)
            .collect()
    }

    /// Applies an operation to a case: checks it (state, actor, data, law, remit), appends it
    /// to the trace, and updates the state. On error nothing changes.
    ///
    /// `route` and `register` are not taken from outside: a decision is made by the engine's
    /// rules ([`Engine::route`]), never supplied by a caller (a forged decision could name
    /// staff who do not exist or hand a case to another community), and a case is registered
    /// by [`Engine::register`].
    pub fn apply(
        &mut self,
        actor: &Actor,
        code: &CaseCode,
        op: Operation,
        now: DateTime<Utc>,
    ) -> Result<&Dispute, EngineError> {
        let action = op.kind();
        match self.apply_checked(actor, code, op, now) {
            Ok(()) => Ok(&self.cases[code].dispute),
            Err(e) => {
                self.audit_error(actor, action.as_str(), code.as_str(), now, &e);
                Err(e)
            }
        }
    }

    fn apply_checked(
        &mut self,
        actor: &Actor,
        code: &CaseCode,
        op: Operation,
        now: DateTime<Utc>,
    ) -> Result<(), EngineError> {
        if matches!(op, Operation::Route { .. } | Operation::Register { .. }) {
            return Err(EngineError::NotSupplied {
                operation: op.kind(),
            });
        }
        let reassess = matches!(op, Operation::Reassess { .. });
        let d = self.apply_op(actor, code, op, now)?;
        // New facts, new decision: the agencies the law now calls in join (人民调解法
        // art. 25), traced as the system's `route` after the reassessment.
        if reassess && d.routing.is_some() && d.state.is_open() {
            self.route(&Actor::System, code, now)?;
        }
        Ok(())
    }

    /// [`Engine::apply`] for every operation, the engine's own `route` included.
    pub(crate) fn apply_op(
        &mut self,
        actor: &Actor,
        code: &CaseCode,
        op: Operation,
        now: DateTime<Utc>,
    ) -> Result<&Dispute, EngineError> {
        let kind = self.actor_kind(actor)?;
        let case = self
            .cases
            .get(code)
            .ok_or_else(|| EngineError::UnknownCase(code.clone()))?;
        self.authorize_case(actor, &case.dispute, op.kind().as_str(), now)?;
        let last = case.events.last().expect("a case has its registration");
        if now < last.at {
            return Err(EngineError::TimeGoesBack {
                case: code.clone(),
                last: last.at,
                now,
            });
        }
        let rules =
            super::journal::rules_for(&self.rule_sets, self.router.rule_set(), &case.dispute);
        let ctx = Context {
            hierarchy: &self.hierarchy,
            windows: rules.windows,
            calendar: &self.calendar,
            last_event: last.at,
            actor_unit: self.actor_unit(actor),
            max_extension_days: rules.time_limits.max_extension_days,
        };
        lifecycle::check(&case.dispute, &op, kind, now, &ctx)?;
        let mut op = op;
        self.seal_texts(code, &mut op)?;
        self.append(code, actor, op, now);
        Ok(&self.cases[code].dispute)
    }

    /// Appends a checked operation to a case: its event after the last, the state, the
    /// statistics entry, the journal and the staff loads. Checks nothing: the caller did.
    pub(crate) fn append(
        &mut self,
        code: &CaseCode,
        actor: &Actor,
        op: Operation,
        now: DateTime<Utc>,
    ) {
        let case = self.cases.get_mut(code).expect("checked by the caller");
        let mark = LoadMark::before(&case.dispute, &op);
        let event = Event::new(code.clone(), case.events.last(), now, actor.clone(), op);
        lifecycle::apply(&mut case.dispute, &event.op, now);
        let (slot, index, hash) = (case.slot, case.events.len(), event.hash);
        case.push(event);
        let rules =
            super::journal::rules_for(&self.rule_sets, self.router.rule_set(), &case.dispute);
        let entry = crate::stats::Entry::of(&case.dispute, &self.calendar, rules);
        self.ledger.set(slot, entry);
        let (off, on) = mark.after(&case.dispute);
        self.journal_event(slot, index, hash);
        self.adjust_load(&off, -1);
        self.adjust_load(&on, 1);
    }

    /// [`Engine::apply`], only if the case's last event still has sequence number
    /// `expected_seq` (optimistic concurrency, for hosts that run several engines over one
    /// store): otherwise a [`EngineError::Conflict`] and nothing changes. Reload the case
    /// from the store and retry.
    pub fn apply_expecting(
        &mut self,
        actor: &Actor,
        code: &CaseCode,
        op: Operation,
        now: DateTime<Utc>,
        expected_seq: u64,
    ) -> Result<&Dispute, EngineError> {
        let actual = self.case(code)?.events.len() as u64;
        if actual != expected_seq {
            return Err(EngineError::Conflict {
                case: code.clone(),
                expected: expected_seq,
                actual,
            });
        }
        self.apply(actor, code, op, now)
    }

    pub(crate) fn adjust_load(&mut self, ids: &[String], delta: i32) {
        for id in ids {
            if let Some(&i) = self.staff_idx.get(id) {
                let s = &mut self.staff[i];
                s.active_cases = s.active_cases.saturating_add_signed(delta);
            }
        }
    }

    /// Reports a case up to `to` as the system (越级上报 or the sweep). An escalation always
    /// goes up: `next`, or a fixed level not above the handling unit, is its parent.
    fn escalate(
        &mut self,
        code: &CaseCode,
        to: Target,
        cc: Vec<String>,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<crate::hierarchy::DivisionCode>, EngineError> {
        let handling = self.case(code)?.dispute.handling_unit;
        let node = self.hierarchy.node(handling)?;
        let target = match to {
            Target::Level(l) => match self.hierarchy.ancestor_at_level(node, l) {
                Some(t) if t != node => Some(t),
                // Already at (or above) the target level: go one up, if there is an up.
                _ if self.hierarchy.unit_at(node).level() <= l => self.hierarchy.parent_node(node),
                _ => None,
            },
            Target::Next => self.hierarchy.parent_node(node),
        };
        let Some(target) = target else {
            return Ok(None);
        };
        let to_code = self.hierarchy.unit_at(target).code;
        self.apply(
            &Actor::System,
            code,
            Operation::ReportUp {
                to: to_code,
                reason: reason.to_string(),
                cc,
            },
            now,
        )?;
        Ok(Some(to_code))
    }

    /// Verifies a case's trace and checks that replaying it gives the live state.
    pub fn verify(&self, code: &CaseCode) -> Result<(), EngineError> {
        let case = self.case(code)?;
        trace::verify(&case.events)?;
        let replayed = trace::replay(&case.events)?;
        if replayed != case.dispute {
            return Err(trace::TraceError::Diverged { case: code.clone() }.into());
        }
        Ok(())
    }

    /// The standing of every case against its limits and the legal windows at `now`, most
    /// urgent first. A read: nothing changes (see [`Engine::sweep`] for the write).
    pub fn deadlines(&self, now: DateTime<Utc>) -> Result<Vec<DeadlineStatus>, EngineError> {
        let current = self.router.rule_set();
        let mut statuses: Vec<DeadlineStatus> = self
            .cases
            .values()
            .map(|c| {
                let rules = super::journal::rules_for(&self.rule_sets, current, &c.dispute);
                deadline::status(&c.dispute, &self.calendar, rules, now)
            })
            .filter(|s| s.phase.is_some() || !s.legal.is_empty())
            .collect();
        statuses.sort_by(|a, b| {
            b.standing
                .cmp(&a.standing)
                .then_with(|| a.red_on.cmp(&b.red_on))
        });
        Ok(statuses)
    }

    /// The deadline sweep at `now`: [`Engine::deadlines`], then every open case whose rules
    /// say to escalate at its standing is reported up (a traced `report_up` by the system).
    pub fn sweep(&mut self, now: DateTime<Utc>) -> Result<Sweep, EngineError> {
        let statuses = self.deadlines(now)?;
        let mut escalated = Vec::new();
        {
            for s in &statuses {
                let case = &self.cases[&s.case];
                let Some(esc) = case
                    .dispute
                    .routing
                    .as_ref()
                    .and_then(|r| r.escalation.clone())
                else {
                    continue;
                };
                let fires = match esc.when {
                    EscalateWhen::Immediately => false,
                    EscalateWhen::Yellow => s.standing >= Standing::Yellow,
                    EscalateWhen::Red => s.standing == Standing::Red,
                };
                let level = self.hierarchy.unit(case.dispute.handling_unit)?.level();
                // A fixed level above the handling unit: until the case is there. `next`, or
                // a level not above the routed unit: once, from the unit the rules chose.
                let routed = case.dispute.routing.as_ref().map(|r| r.unit);
                let pending = match esc.to {
                    Target::Level(l) if level > l => true,
                    _ => routed == Some(case.dispute.handling_unit),
                };
                if fires && case.dispute.state.is_open() && pending {
                    let reason = format!(
                        "{} limit passed: escalated by the deadline sweep",
                        s.standing.label_en()
                    );
                    let cc = esc.cc.iter().map(|k| k.as_str().to_string()).collect();
                    if let Some(to) = self.escalate(&s.case.clone(), esc.to, cc, &reason, now)? {
                        escalated.push((s.case.clone(), to));
                    }
                }
            }
        }
        Ok(Sweep {
            statuses,
            escalated,
        })
    }
}

/// What an operation may change of the staff loads, noted before it is applied: a route
/// gives a new team; any other operation changes loads only by opening or closing the case
/// (most change nothing, and then nothing is allocated).
pub(crate) struct LoadMark {
    was_open: bool,
    /// The team before a route.
    before: Option<Vec<String>>,
}

impl LoadMark {
    pub(crate) fn before(d: &Dispute, op: &crate::lifecycle::Operation) -> LoadMark {
        let routes = matches!(op, crate::lifecycle::Operation::Route { .. });
        LoadMark {
            was_open: d.state.is_open(),
            before: routes.then(|| team_load(d)),
        }
    }

    /// The staff whose load goes down and up, after the operation.
    pub(crate) fn after(self, d: &Dispute) -> (Vec<String>, Vec<String>) {
        let now_open = d.state.is_open();
        match self.before {
            Some(before) => (before, team_load(d)),
            None if self.was_open == now_open => (Vec::new(), Vec::new()),
            None => {
                let team: Vec<String> = d
                    .routing
                    .iter()
                    .flat_map(|r| r.team.iter().map(|m| m.staff.clone()))
                    .collect();
                if now_open {
                    (Vec::new(), team)
                } else {
                    (team, Vec::new())
                }
            }
        }
    }
}

/// The staff ids a case occupies: its team while it is open.
pub(crate) fn team_load(d: &Dispute) -> Vec<String> {
    match (&d.routing, d.state.is_open()) {
        (Some(r), true) => r.team.iter().map(|m| m.staff.clone()).collect(),
        _ => Vec::new(),
    }
}

fn input_location(op: &Operation) -> crate::hierarchy::DivisionCode {
    match op {
        Operation::Register { input, .. } => input.location,
        _ => unreachable!("a registration"),
    }
}
