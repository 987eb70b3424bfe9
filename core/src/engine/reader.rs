//! [`Reader`]: what one actor may read, as one type.
//!
//! The engine has two kinds of reads, and a read that takes an actor is only here. Trusted reads ([`Engine::case`], [`Engine::cases`],
//! [`Engine::person`], [`Engine::residents_trusted`], [`Engine::to_world`] …) check nobody: they are
//! for the host's own code (persistence, batch jobs, its own authorisation), never for
//! answering a user's request directly. Scoped reads go through a `Reader`, made for one
//! actor: every method checks the actor's jurisdiction (refusals are logged, as
//! [`Engine::denials`] shows) and masks personal identifiers as the world's [`Privacy`]
//! says. The bindings answer every read that returns case or resident data through a
//! `Reader`, so no binding carries a privacy rule of its own.
//!
//! The idea is automerge's named capabilities (`ReadDoc`): the type says what its holder
//! may do.
//!
//! ```
//! # use fengqiao::prelude::*;
//! # let world: fengqiao::engine::WorldData =
//! #     serde_json::from_str(include_str!("../../../examples/data/world-small.json")).unwrap();
//! let engine = Engine::from_world(world)?;
//! let now = "2025-06-02T01:00:00Z".parse().unwrap();
//! let reader = engine.reader(&Actor::Staff("gw-522301001001001".into()), now)?;
//! // A grid worker sees the residents of households in its grid, identifiers masked.
//! let people = reader.residents("5223010010010010101".parse()?)?;
//! assert!(people.iter().all(|p| p.id_number.as_deref().is_none_or(|n| n.contains('*'))));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! [`Privacy`]: crate::access::Privacy

use chrono::{DateTime, NaiveDate, Utc};

use super::{Case, Engine, EngineError, WorldData};
use crate::access::{CaseView, PersonView};
use crate::cadence::{MissingReport, Ranked, WeekRow};
use crate::dispute::CaseCode;
use crate::hierarchy::{DivisionCode, Level};
use crate::lifecycle::ActorKind;
use crate::routing::Decision;
use crate::stats::{Query, Report};
use crate::trace::{Actor, Event};

/// What one actor may read: see the module docs. Made by [`Engine::reader`]; borrows the
/// engine, so it sees the engine as it is while it lives.
#[derive(Debug, Clone)]
pub struct Reader<'e> {
    engine: &'e Engine,
    actor: Actor,
    kind: ActorKind,
    at: DateTime<Utc>,
}

impl Engine {
    /// A [`Reader`] for `actor` at `now` (the time denials are logged with). Refused when
    /// the actor is not a known staff member, agency or the system.
    pub fn reader(&self, actor: &Actor, now: DateTime<Utc>) -> Result<Reader<'_>, EngineError> {
        let kind = self.actor_kind(actor)?;
        Ok(Reader {
            engine: self,
            actor: actor.clone(),
            kind,
            at: now,
        })
    }
}

impl<'e> Reader<'e> {
    /// The actor this reader reads for.
    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    /// Whether this actor sees identity numbers and phones whole (the world's privacy
    /// settings).
    pub fn sees_identifiers(&self) -> bool {
        self.engine.privacy.sees_whole(self.kind)
    }

    fn case_record(&self, code: &CaseCode, action: &str) -> Result<&'e Case, EngineError> {
        let case = self.engine.case(code)?;
        self.engine
            .authorize_read(&self.actor, &case.dispute, action, self.at)?;
        Ok(case)
    }

    /// A case as the actor may see it: parties masked as the actor requires, with its
    /// standing and legal windows.
    ///
    /// **Writes the journal.** A whole read of personal data (an actor who sees identifiers
    /// whole) adds an audit entry (`read_whole`; 等保 GB/T 22239-2019 8.1.4.3), and a refused
    /// read a denial: both move the journal's head, so store the journal after this read as
    /// after a write.
    pub fn case(&self, code: &CaseCode) -> Result<CaseView, EngineError> {
        self.engine.view_case(&self.actor, code, self.at)
    }

    /// A case's trace. Events name parties by id, never by identity number.
    pub fn trace(&self, code: &CaseCode) -> Result<&'e [Event], EngineError> {
        Ok(&self.case_record(code, "trace")?.events)
    }

    /// The case's routing decision: the one applied once routed, else what the rules
    /// would decide now (see [`Engine::decide`]).
    pub fn decide(&self, code: &CaseCode) -> Result<Decision, EngineError> {
        self.case_record(code, "decide")?;
        self.engine.decide(code)
    }

    /// The case registered here for a reference in another system (a 110 call, a 12345
    /// ticket, a court's 委派 case), if the actor may see it; the other way, a case's
    /// reference is in its input (`external`).
    pub fn case_by_external(
        &self,
        external: &crate::dispute::ExternalRef,
    ) -> Result<&'e CaseCode, EngineError> {
        let engine: &'e Engine = self.engine;
        let code =
            engine
                .by_external
                .get(external)
                .ok_or_else(|| EngineError::UnknownExternal {
                    system: external.system.clone(),
                    id: external.id.clone(),
                })?;
        self.case_record(code, "case_by_external")?;
        Ok(code)
    }

    /// Cases the actor may see that may be the same matter as `code`, captured twice: two
    /// grid workers at one household, a phone's capture and the centre's own registration of
    /// the call it answered. Each is open, of the same category, at the same location or with
    /// a resident party in common, and registered within
    /// [`crate::capture::SAME_MATTER_DAYS`] natural days of it. Nothing is merged: one matter
    /// is one case (一案一档), and which record stands is for the centre to decide, so both
    /// stay, each with its trace, and the host shows them side by side. In code order.
    ///
    /// ```
    /// # use fengqiao::engine::{Engine, WorldData};
    /// # let world: WorldData = serde_json::from_str(include_str!("../../../examples/data/world-small.json"))?;
    /// # let mut street = Engine::from_world(world)?;
    /// # let input: fengqiao::dispute::DisputeInput = serde_json::from_value(serde_json::json!({"category": "neighbour", "channel": "household_visit",
    /// #   "parties": [{"person": "p0-0"}, {"person": "p1-0"}], "location": "5223010010010010101",
    /// #   "urgency": "low", "risk": "blue", "discovered_at": "2025-06-09T00:30:00Z", "description": "漏水"}))?;
    /// # let now = "2025-06-09T01:00:00Z".parse()?;
    /// let gw = fengqiao::trace::Actor::Staff("gw-522301001001001".into());
    /// let first = street.register(&gw, input.clone(), now)?;
    /// let again = street.register(&gw, input, now)?; // a second worker, the same leak
    /// let centre = fengqiao::trace::Actor::Staff("cs-522301001000".into());
    /// assert_eq!(street.reader(&centre, now)?.possible_duplicates(&first)?, [&again]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn possible_duplicates(&self, code: &CaseCode) -> Result<Vec<&'e CaseCode>, EngineError> {
        let engine: &'e Engine = self.engine;
        let this = &self.case_record(code, "possible_duplicates")?.dispute;
        fn persons(d: &crate::lifecycle::Dispute) -> Vec<&str> {
            d.input
                .parties
                .iter()
                .filter_map(|p| match p {
                    crate::dispute::Party::Person(id) => Some(id.as_str()),
                    _ => None,
                })
                .collect()
        }
        let ours = persons(this);
        let window = chrono::Duration::days(crate::capture::SAME_MATTER_DAYS);
        let actor = &self.actor;
        Ok(engine
            .cases()
            .map(|c| &c.dispute)
            .filter(|d| {
                d.code != this.code
                    && d.state.is_open()
                    && d.input.category == this.input.category
                    && (d.registered_at - this.registered_at).abs() <= window
                    && (d.input.location == this.input.location
                        || persons(d).iter().any(|p| ours.contains(p)))
                    && engine.may_access(actor, d)
            })
            .map(|d| &d.code)
            .collect())
    }

    /// Codes of the cases the actor may see, in code order.
    pub fn case_codes(&self) -> Vec<&'e CaseCode> {
        let engine: &'e Engine = self.engine;
        let actor = &self.actor;
        engine
            .cases()
            .filter(|c| engine.may_access(actor, &c.dispute))
            .map(|c| &c.dispute.code)
            .collect()
    }

    /// The residents of a household in the actor's area, identifiers masked as the actor
    /// requires.
    ///
    /// **Writes the journal.** A whole read of personal data (an actor who sees identifiers
    /// whole) adds an audit entry (`read_whole`; 等保 GB/T 22239-2019 8.1.4.3), and a refused
    /// read a denial: both move the journal's head, so store the journal after this read as
    /// after a write.
    pub fn residents(&self, household: DivisionCode) -> Result<Vec<PersonView>, EngineError> {
        self.engine.hierarchy().unit(household)?;
        self.engine
            .authorize_unit(&self.actor, household, "residents", self.at)?;
        let whole = self.sees_identifiers();
        let people = self.engine.residents_trusted(household);
        if whole && self.actor != Actor::System {
            for p in &people {
                self.engine.audit_whole_person(&self.actor, &p.id, self.at);
            }
        }
        Ok(people
            .into_iter()
            .map(|p| PersonView::of(p, whole))
            .collect())
    }

    /// The world as this actor may export it: places, staff, agencies, rules and privacy
    /// settings whole; residents only from the actor's area, and without identity numbers
    /// and phones unless the actor sees them whole (removed, not masked, so the document
    /// stays a valid world).
    ///
    /// **Writes the journal.** A whole read of personal data (an actor who sees identifiers
    /// whole) adds an audit entry (`read_whole`; 等保 GB/T 22239-2019 8.1.4.3), and a refused
    /// read a denial: both move the journal's head, so store the journal after this read as
    /// after a write.
    pub fn world(&self) -> WorldData {
        let mut w = self.engine.to_world();
        // A view, not storage: the residents as the engine holds them (opened), never the
        // sealed records of residents outside the actor's area.
        w.sealed_people.clear();
        w.people = self.engine.people.values().cloned().collect();
        w.people.sort_by(|a, b| a.id.cmp(&b.id));
        let whole = self.sees_identifiers();
        let units = self.engine.actor_units(&self.actor);
        let h = self.engine.hierarchy();
        w.people.retain(|p| {
            self.actor == Actor::System
                || units
                    .iter()
                    .any(|u| h.is_within(p.household, *u).unwrap_or(false))
        });
        if !whole {
            for p in &mut w.people {
                p.id_number = None;
                p.phone = None;
            }
        } else if self.actor != Actor::System && !w.people.is_empty() {
            let detail = format!("{} residents with identifiers whole", w.people.len());
            let outcome = crate::audit::Outcome::ReadWhole;
            self.engine.audit(
                &self.actor,
                "world",
                outcome,
                "world",
                self.at,
                None,
                &detail,
            );
        }
        w
    }

    /// Statistics over the cases the actor may see, as of the reader's time: counts,
    /// rates and amounts per unit, category or period as the query asks (see
    /// [`crate::stats`]).
    pub fn statistics(&self, query: &Query) -> Result<Report, EngineError> {
        self.engine.statistics(&self.actor, query, self.at)
    }

    /// 报表: `unit`'s statistical return for the cases registered from `from` to `to`
    /// (China time), counted as this reader may count them at its time, signed by `signer`
    /// when one is given (see [`crate::returns`]): the counts, the counts by GB/T 31000
    /// 事件类型 and the heads of the cases counted. A case sent to another system counts
    /// only as `transferred_out` and is not among the heads. `denied` outside the actor's
    /// area; `invalid_input` for `to` before `from`.
    pub fn statistical_return(
        &self,
        unit: DivisionCode,
        from: NaiveDate,
        to: NaiveDate,
        signer: Option<&dyn crate::signing::Signer>,
    ) -> Result<crate::returns::StatisticalReturn, EngineError> {
        self.engine
            .statistical_return(&self.actor, unit, from, to, self.at, signer)
    }

    /// 汇总: adds up the returns of the units below `unit` for `from..=to`, refusing the
    /// whole set (`statistical_return`, naming the problem and the unit) for a return of
    /// another form or period, from a unit not below, a second one of a unit that does not
    /// supersede the first (a correction names the digest of the one it replaces), an
    /// inconsistent one, an unsigned one where `verifier` is given, or a case counted in
    /// two returns (a stale return after a transfer); `signature` for a wrong signature;
    /// `denied` when the actor may not report for `unit`.
    ///
    /// ```
    /// use fengqiao::engine::{Engine, WorldData};
    /// use fengqiao::trace::Actor;
    /// let world: WorldData = serde_json::from_str(include_str!("../../../examples/data/world-small.json"))?;
    /// let community = Engine::from_world(world.clone())?;
    /// let street = Engine::from_world(world)?;
    /// let (from, to, now) = ("2025-06-01".parse()?, "2025-06-30".parse()?, "2025-07-01T01:00:00Z".parse()?);
    /// let r = community.reader(&Actor::System, now)?.statistical_return("522301001001".parse()?, from, to, None)?;
    /// let c = street.reader(&Actor::System, now)?.consolidate("522301001000".parse()?, from, to, &[r.clone()], None)?;
    /// assert_eq!(c.returns[0].digest, r.digest());
    /// // The community's own level cannot add up its own return: it is not below itself.
    /// let e = street.reader(&Actor::System, now)?.consolidate("522301001001".parse()?, from, to, &[r], None);
    /// assert_eq!(e.unwrap_err().code(), fengqiao::error::ErrorCode::StatisticalReturn);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn consolidate(
        &self,
        unit: DivisionCode,
        from: NaiveDate,
        to: NaiveDate,
        returns: &[crate::returns::StatisticalReturn],
        verifier: Option<&dyn crate::signing::Verifier>,
    ) -> Result<crate::returns::Consolidation, EngineError> {
        self.engine
            .consolidate(&self.actor, unit, from, to, returns, verifier, self.at)
    }

    /// The assessment (考核) of the units at `query.level` over `query.from..=query.to`,
    /// over the cases the actor may see, judged at the reader's time; see
    /// [`crate::assessment`] for what is counted. Weights: the query's, else the rule
    /// set's in force.
    pub fn assessment(
        &self,
        query: &crate::assessment::AssessmentQuery,
    ) -> Result<crate::assessment::Assessment, EngineError> {
        self.engine.assessment(&self.actor, query, self.at)
    }

    /// 日研判: the open cases in `within`'s subtree that the actor may see, most urgent
    /// first, each with its score and reasons.
    pub fn daily_analysis(&self, within: DivisionCode) -> Result<Vec<Ranked>, EngineError> {
        self.engine.daily_analysis(&self.actor, within, self.at)
    }

    /// 周调度: the ISO week containing `day`, one row per unit at `level` inside `within`.
    pub fn weekly_dispatch(
        &self,
        within: DivisionCode,
        level: Level,
        day: NaiveDate,
    ) -> Result<Vec<WeekRow>, EngineError> {
        self.engine.weekly_dispatch(&self.actor, within, level, day)
    }

    /// Who in `within`'s subtree did not report on `date`, with their streak of missed
    /// working days; `within` must be in the actor's area. A rest day needs no report:
    /// asking about one returns nothing.
    pub fn missing_reports(
        &self,
        within: DivisionCode,
        date: NaiveDate,
    ) -> Result<Vec<MissingReport>, EngineError> {
        self.engine.hierarchy().unit(within)?;
        self.engine
            .authorize_unit(&self.actor, within, "missing_reports", self.at)?;
        self.engine.missing_reports(within, date)
    }
}
