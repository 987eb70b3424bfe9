//! The engine: one world (hierarchy, residents, staff, agencies, rule set, calendar,
//! cases) behind one set of methods. Both bindings call only this, so the JSON shapes are
//! defined once, by the serde types the methods take and return.
//!
//! Every change goes through a method that checks first and changes nothing on error; every
//! accepted change to a case is an event in its trace. Time is always an argument (`now`):
//! the engine never reads a clock, so tests, replays and WebAssembly behave the same.
//!
//! An `Engine` is `Send + Sync`: share it behind a lock (`RwLock<Engine>`: reads in
//! parallel, changes one at a time), or give each thread its own. Its one piece of interior
//! mutability is the access log, behind a mutex, so that a refused *read* (`&Engine`) is
//! still recorded.
//!
//! Reads come in two kinds: trusted ones on `Engine` that check no actor (for the host's
//! own code) and scoped ones on [`Reader`], made for one actor, that check jurisdiction and
//! mask identifiers. Answer users through a `Reader`.

mod access;
mod cadence;
mod cases;
mod error;
mod journal;
mod personal;
mod reader;
mod restore;
mod returns;
mod signing;
mod stats;
mod time_limits;
mod transfer;
mod whatif;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};

pub use crate::error::{to_json_value, Details};
pub use cases::{Case, Sweep};
pub use error::{EngineError, ErrorCode};
pub use reader::Reader;

use crate::access::{AccessLog, Privacy};
use crate::agency::{Agency, AgencyId};
use crate::calendar::Calendar;
use crate::dispute::{CaseCode, Party};
use crate::hierarchy::{DivisionCode, Hierarchy, HierarchyError, Unit};
use crate::lifecycle::ActorKind;
use crate::people::{Person, PersonId};
use crate::routing::{Diagnostic, Diagnostics, Directory, Router, RuleSet, Schema, World};
use crate::staff::{Staff, StaffId};
use crate::trace::Actor;

pub use crate::world::WorldData;

/// The world and its cases. See the module docs.
#[derive(Debug, Clone)]
pub struct Engine {
    hierarchy: Hierarchy,
    people: HashMap<PersonId, Person>,
    staff: Vec<Staff>,
    staff_idx: HashMap<StaffId, usize>,
    agencies: Vec<Agency>,
    agency_idx: HashMap<AgencyId, usize>,
    directory: Directory,
    router: Router,
    calendar: Calendar,
    // Boxed: a case is ≈490 bytes and a B-tree's nodes are on average a third empty, so
    // cases held in its nodes cost ≈700 bytes each; boxed, the nodes hold a pointer
    // (issue 37, memory per case).
    cases: BTreeMap<CaseCode, Box<Case>>,
    /// One statistics entry per case (see `stats::Ledger`), refreshed with every change.
    pub(crate) ledger: crate::stats::Ledger,
    /// Registrations counted by location, day and capture device (0: this engine's own
    /// numbering), so each numbers on from its own count (see [`crate::capture`]).
    day_seq: HashMap<(DivisionCode, NaiveDate, u32), u32>,
    /// The capture device this engine runs on, if it runs on one.
    capture_device: Option<crate::capture::CaptureDevice>,
    /// Registrations by idempotency key, and cases by their reference in another system
    /// (both rebuilt from the registrations on restore).
    pub(crate) by_key: HashMap<String, CaseCode>,
    pub(crate) by_external: HashMap<crate::dispute::ExternalRef, CaseCode>,
    pub(crate) reports: crate::cadence::ReportBook,
    pub(crate) privacy: Privacy,
    pub(crate) access_log: AccessLog,
    /// Case codes by ledger slot (the journal refers to events by slot and index).
    codes: Vec<CaseCode>,
    /// Every rule-set version loaded, by `id@version`: cases keep the version that decided
    /// them.
    rule_sets: HashMap<String, Arc<RuleSet>>,
    /// Every accepted change, in order (see [`crate::journal`]).
    journal: journal::JournalCell,
    /// Personal data: the protector, sealed records, erasures (see [`crate::personal`]).
    protection: personal::Protection,
}

impl Engine {
    /// An engine over `hierarchy` with the shipped default rules and the official calendar.
    pub fn new(hierarchy: Hierarchy) -> Engine {
        let origin = crate::journal::origin(&WorldData {
            hierarchy: hierarchy.to_data(),
            people: Vec::new(),
            staff: Vec::new(),
            agencies: Vec::new(),
            rules: None,
            calendar_years: Vec::new(),
            local_calendars: Vec::new(),
            privacy: None,
            sealed_people: Vec::new(),
            erased: Vec::new(),
            capture_device: None,
        });
        let router = Router::default_rules();
        let default = Arc::new(router.rule_set().clone());
        Engine {
            hierarchy,
            people: HashMap::new(),
            staff: Vec::new(),
            staff_idx: HashMap::new(),
            agencies: Vec::new(),
            agency_idx: HashMap::new(),
            directory: Directory::default(),
            router,
            calendar: Calendar::official(),
            cases: BTreeMap::new(),
            ledger: Default::default(),
            day_seq: HashMap::new(),
            capture_device: None,
            by_key: HashMap::new(),
            by_external: HashMap::new(),
            reports: Default::default(),
            privacy: Privacy::default(),
            access_log: AccessLog::default(),
            codes: Vec::new(),
            rule_sets: HashMap::from([(default.label(), default)]),
            journal: journal::JournalCell::new(origin),
            protection: Default::default(),
        }
    }

    /// Builds an engine from a whole world, checking everything; the first problem is
    /// returned. The world document is the journal's origin: keep it to restore from the
    /// journal ([`Engine::restore`]). Staff loads (`active_cases`) are derived from the
    /// cases; a value in the document is ignored.
    pub fn from_world(data: WorldData) -> Result<Engine, EngineError> {
        let origin = crate::journal::origin(&data);
        Engine::from_world_at(data, origin)
    }

    /// [`Engine::from_world`] with the journal's origin known: a snapshot carries it, and
    /// its world is the world at the snapshot, not the first one, so hashing that world's
    /// whole JSON gave nothing (a county's restore from one snapshot document was 12 %
    /// slower for it).
    pub(super) fn from_world_at(
        data: WorldData,
        origin: crate::trace::Hash,
    ) -> Result<Engine, EngineError> {
        let device = data
            .capture_device
            .map(crate::capture::CaptureDevice::new)
            .transpose()?;
        let mut e = Engine::new(Hierarchy::from_data(data.hierarchy)?);
        e.capture_device = device;
        for y in data.calendar_years {
            let mut cal = e.calendar.clone();
            cal.load_year(y)?;
            e.calendar = cal;
        }
        for l in data.local_calendars {
            e.set_local_calendar(l)?;
        }
        for subject in data.erased {
            e.protection.erased.insert(subject);
        }
        for p in data.people {
            e.add_person(p)?;
        }
        for p in data.sealed_people {
            e.add_sealed_person(p)?;
        }
        for mut s in data.staff {
            s.active_cases = 0;
            e.add_staff(s)?;
        }
        for a in data.agencies {
            e.add_agency(a)?;
        }
        if let Some(r) = data.rules {
            e.load_rules(r)?;
        }
        if let Some(p) = data.privacy {
            e.set_privacy(p);
        }
        e.reset_journal(origin);
        Ok(e)
    }

    /// The world, without its cases (the inverse of [`Engine::from_world`]), with every
    /// resident's identifiers whole. Trusted: no actor is checked; for the host's own
    /// persistence. A user's export goes through [`Engine::reader`] ([`Reader::world`]).
    pub fn to_world(&self) -> WorldData {
        let (people, sealed_people, erased) = self.stored_people();
        let official = Calendar::official();
        let shipped: Vec<&crate::calendar::YearNotice> = official.notices().collect();
        WorldData {
            hierarchy: self.hierarchy.to_data(),
            people,
            // Loads are what the cases explain: a world document does not carry them.
            staff: self
                .staff
                .iter()
                .map(|s| Staff {
                    active_cases: 0,
                    ..s.clone()
                })
                .collect(),
            agencies: self.agencies.clone(),
            rules: Some(self.router.rule_set().clone()),
            calendar_years: self
                .calendar
                .notices()
                .filter(|n| !shipped.contains(n))
                .cloned()
                .collect(),
            local_calendars: self.calendar.locals().cloned().collect(),
            privacy: Some(self.privacy.clone()),
            sealed_people,
            erased,
            capture_device: self.capture_device.map(|d| u64::from(d.get())),
        }
    }

    /// The hierarchy.
    pub fn hierarchy(&self) -> &Hierarchy {
        &self.hierarchy
    }

    /// The calendar.
    pub fn calendar(&self) -> &Calendar {
        &self.calendar
    }

    /// Replaces the national calendar (e.g. with later years loaded); the units' local
    /// calendars are kept ([`Engine::set_local_calendar`] changes those).
    pub fn set_calendar(&mut self, calendar: Calendar) {
        let years = calendar.notices().cloned().collect();
        self.calendar = calendar.with_locals_of(&self.calendar);
        self.refresh_ledger();
        self.journal_change(crate::journal::Change::CalendarSet { years });
    }

    /// Recomputes every statistics entry: due days and on-time results depend on the
    /// calendar and on the rule set's default limits.
    fn refresh_ledger(&mut self) {
        let every: Vec<u32> = (0..self.codes.len() as u32).collect();
        self.refresh_slots(&every);
    }

    /// A case's statistics entry: its due days and on-time results under the calendar and
    /// the rule set that decided it (the current one before it is routed).
    pub(crate) fn ledger_entry(&self, d: &crate::lifecycle::Dispute) -> crate::stats::Entry {
        let rules = journal::rules_for(&self.rule_sets, self.router.rule_set(), d);
        crate::stats::Entry::of(d, &self.calendar, rules)
    }

    /// The compiled rule set in force.
    pub fn router(&self) -> &Router {
        &self.router
    }

    /// Adds a unit (see [`Hierarchy::add`]).
    pub fn add_unit(&mut self, unit: Unit) -> Result<(), EngineError> {
        self.hierarchy.add(unit.clone())?;
        self.journal_change(crate::journal::Change::UnitAdded(unit));
        Ok(())
    }

    /// Moves a unit and its subtree (see [`Hierarchy::move_unit`]). Staff and agency
    /// indexes follow, since they hold nodes, not codes.
    pub fn move_unit(
        &mut self,
        code: DivisionCode,
        new_parent: DivisionCode,
        new_code: DivisionCode,
    ) -> Result<(), EngineError> {
        self.hierarchy.move_unit(code, new_parent, new_code)?;
        for s in &mut self.staff {
            s.unit = self.hierarchy.resolve(s.unit)?;
            for c in &mut s.covers {
                *c = self.hierarchy.resolve(*c)?;
            }
        }
        for a in &mut self.agencies {
            a.unit = self.hierarchy.resolve(a.unit)?;
        }
        for p in self.people.values_mut() {
            p.household = self.hierarchy.resolve(p.household)?;
        }
        self.journal_change(crate::journal::Change::UnitMoved {
            code,
            new_parent,
            new_code,
        });
        Ok(())
    }

    /// Retires a unit. Refused while it has active children, staff serving it, or open cases
    /// located or handled in its subtree.
    pub fn retire_unit(&mut self, code: DivisionCode) -> Result<(), EngineError> {
        let node = self.hierarchy.node(code)?;
        let inside = |c: DivisionCode| {
            self.hierarchy
                .node(c)
                .is_ok_and(|n| self.hierarchy.is_within_node(n, node))
        };
        let staff = self.staff.iter().filter(|s| inside(s.unit)).count();
        let open = self
            .cases
            .values()
            .filter(|c| {
                c.dispute.state.is_open()
                    && (inside(c.dispute.handling_unit) || inside(c.dispute.input.location))
            })
            .count();
        if staff + open > 0 {
            return Err(HierarchyError::StillInUse {
                code,
                reason: format!(
                    "{staff} staff member(s) serve it and {open} open case(s) are in it"
                ),
            }
            .into());
        }
        self.hierarchy.retire(code)?;
        self.journal_change(crate::journal::Change::UnitRetired { code });
        Ok(())
    }

    /// Adds a resident at `now`: as [`Engine::add_person`], and an identity number whose
    /// birth date is after `now` (China time) is refused ([`EngineError::BornInFuture`]).
    /// Hosts that know the time call this one; the engine reads no clock itself.
    ///
    /// ```
    /// # use fengqiao::prelude::*;
    /// # let (mut engine, _) = fengqiao_synth::world(&fengqiao_synth::Spec::small()).unwrap();
    /// # let household = engine.hierarchy().units().find(|u| u.level() == fengqiao::hierarchy::Level::Household).unwrap().code;
    /// let person: fengqiao::people::Person = serde_json::from_value(serde_json::json!({
    ///     "id": "p-2099", "name": "未来", "household": household.to_string(),
    ///     "id_number": "522301209901010112"}))?;
    /// let now = "2026-12-07T02:00:00Z".parse()?;
    /// let refused = engine.add_person_at(person, now).unwrap_err();
    /// assert_eq!(refused.code(), fengqiao::engine::ErrorCode::InvalidInput);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn add_person_at(&mut self, person: Person, now: DateTime<Utc>) -> Result<(), EngineError> {
        Self::check_born(&person, now)?;
        self.add_person(person)
    }

    /// Updates a resident at `now`: as [`Engine::update_person`], and a birth date after
    /// `now` is refused ([`EngineError::BornInFuture`]).
    pub fn update_person_at(
        &mut self,
        person: Person,
        now: DateTime<Utc>,
    ) -> Result<(), EngineError> {
        Self::check_born(&person, now)?;
        self.update_person(person)
    }

    fn check_born(person: &Person, now: DateTime<Utc>) -> Result<(), EngineError> {
        let today = crate::calendar::china_date(now);
        match person.id_number.as_ref().map(|n| n.birth_date()) {
            Some(born) if born > today => Err(EngineError::BornInFuture {
                person: person.id.clone(),
                born,
                today,
            }),
            _ => Ok(()),
        }
    }

    /// Adds a resident. The household must exist and be a household. Without a time, a
    /// birth date after the registration of a case the person is party to is refused then
    /// ([`EngineError::BornLater`]); [`Engine::add_person_at`] refuses it now.
    pub fn add_person(&mut self, person: Person) -> Result<(), EngineError> {
        self.check_person(&person)?;
        if self.people.contains_key(&person.id) {
            return Err(EngineError::Duplicate(format!("person {}", person.id)));
        }
        let (change, sealed) = self.person_change(&person, false)?;
        self.journal_change(change);
        if let Some(s) = sealed {
            self.protection.sealed.insert(s.id.clone(), s);
        }
        self.people.insert(person.id.clone(), person);
        Ok(())
    }

    /// Replaces a resident's record (a new phone or identity number, a move to another
    /// household), checked as a new one. Cases name parties by id, so they read the new
    /// record; their traces keep what was registered.
    pub fn update_person(&mut self, person: Person) -> Result<(), EngineError> {
        if !self.people.contains_key(&person.id) {
            return Err(EngineError::UnknownPerson(person.id.clone()));
        }
        if self.protection.erased.contains(&person.id) {
            // Erased stays erased, in this engine and in every restore of its journal.
            return Err(EngineError::Protection(
                crate::personal::ProtectionError::Malformed {
                    what: "person".into(),
                    message: format!(
                        "person {} was erased (个人信息保护法 art. 47): a new record takes a new id",
                        person.id
                    ),
                },
            ));
        }
        self.check_person(&person)?;
        let (change, sealed) = self.person_change(&person, true)?;
        self.journal_change(change);
        if let Some(s) = sealed {
            self.protection.sealed.insert(s.id.clone(), s);
        }
        self.protection.unopened.remove(&person.id);
        self.people.insert(person.id.clone(), person);
        Ok(())
    }

    /// A resident lives in a household.
    fn check_person(&self, person: &Person) -> Result<(), EngineError> {
        let unit = self.hierarchy.unit(person.household)?;
        if unit.level() != crate::hierarchy::Level::Household {
            return Err(EngineError::NotAHousehold {
                person: person.id.clone(),
                unit: unit.code,
                kind: unit.kind,
            });
        }
        Ok(())
    }

    /// A resident, identifiers whole. Trusted: no actor is checked (see [`Reader`]).
    pub fn person(&self, id: &str) -> Option<&Person> {
        self.people.get(id)
    }

    /// The residents of a household, by id, identifiers whole. Trusted, as its name says: no
    /// actor is checked (a user's request goes through [`Reader::residents`], which masks).
    pub fn residents_trusted(&self, household: DivisionCode) -> Vec<&Person> {
        let mut v: Vec<&Person> = self
            .people
            .values()
            .filter(|p| p.household == household)
            .collect();
        v.sort_by(|a, b| a.id.cmp(&b.id));
        v
    }

    /// Adds a staff member serving an existing, active unit at a level the role serves: a
    /// grid worker (网格员) a grid, a household-group head (联户长) a household group, the
    /// others a village/community or above (一中心一张网十联户); nobody serves a household.
    pub fn add_staff(&mut self, staff: Staff) -> Result<(), EngineError> {
        self.check_staff(&staff)?;
        if self.staff_idx.contains_key(&staff.id) {
            return Err(EngineError::Duplicate(format!("staff {}", staff.id)));
        }
        let i = self.staff.len();
        self.directory.add_staff(i, &staff, &self.hierarchy);
        self.staff_idx.insert(staff.id.clone(), i);
        self.journal_change(crate::journal::Change::StaffAdded(Staff {
            active_cases: 0,
            ..staff.clone()
        }));
        self.staff.push(staff);
        Ok(())
    }

    /// Replaces a staff member's record (a new post, other units covered, another role),
    /// checked as [`Engine::add_staff`] checks a new one. The open-case load is the engine's
    /// and is kept; cases already routed keep their teams (a reassignment is a new route).
    pub fn update_staff(&mut self, staff: Staff) -> Result<(), EngineError> {
        let i = *self
            .staff_idx
            .get(&staff.id)
            .ok_or_else(|| EngineError::UnknownStaff(staff.id.clone()))?;
        self.check_staff(&staff)?;
        self.journal_change(crate::journal::Change::StaffUpdated(Staff {
            active_cases: 0,
            ..staff.clone()
        }));
        let load = self.staff[i].active_cases;
        self.staff[i] = Staff {
            active_cases: load,
            ..staff
        };
        // Who serves where changed: index every staff member and agency again.
        let mut directory = crate::routing::Directory::default();
        for (j, s) in self.staff.iter().enumerate() {
            directory.add_staff(j, s, &self.hierarchy);
        }
        for (j, a) in self.agencies.iter().enumerate() {
            directory.add_agency(j, a, &self.hierarchy);
        }
        self.directory = directory;
        Ok(())
    }

    /// What a staff record must satisfy: placed where the role serves, at active units,
    /// linked to a known resident if to any.
    fn check_staff(&self, staff: &Staff) -> Result<(), EngineError> {
        {
            use crate::hierarchy::Level;
            use crate::staff::Role;
            let unit = self.hierarchy.unit(staff.unit)?;
            let level = unit.level();
            let (ok, allowed) = match staff.role {
                Role::GridWorker => (level == Level::Grid, "a grid"),
                Role::HouseholdHead => (level == Level::HouseholdGroup, "a household group"),
                _ => (
                    level <= Level::Community,
                    "a village/community, a street or a county",
                ),
            };
            if !ok {
                return Err(EngineError::StaffPlacement {
                    staff: staff.id.clone(),
                    role: staff.role,
                    unit: unit.code,
                    kind: unit.kind,
                    allowed,
                });
            }
        }
        for c in std::iter::once(&staff.unit).chain(&staff.covers) {
            if self.hierarchy.unit(*c)?.retired {
                return Err(EngineError::RetiredUnit(*c));
            }
        }
        if let Some(p) = &staff.person {
            if !self.people.contains_key(p) {
                return Err(EngineError::UnknownPerson(p.clone()));
            }
        }
        Ok(())
    }

    /// A staff member.
    pub fn staff(&self, id: &str) -> Option<&Staff> {
        self.staff_idx.get(id).map(|&i| &self.staff[i])
    }

    /// All staff.
    pub fn all_staff(&self) -> &[Staff] {
        &self.staff
    }

    /// The staff serving a unit: based there or covering it (包片).
    pub fn staff_at(&self, unit: DivisionCode) -> Vec<&Staff> {
        self.staff
            .iter()
            .filter(|s| s.unit == unit || s.covers.contains(&unit))
            .collect()
    }

    /// Marks a staff member available or not (leave, illness).
    pub fn set_available(&mut self, id: &str, available: bool) -> Result<(), EngineError> {
        let i = *self
            .staff_idx
            .get(id)
            .ok_or_else(|| EngineError::UnknownStaff(id.into()))?;
        self.staff[i].available = available;
        self.journal_change(crate::journal::Change::Availability {
            staff: id.to_string(),
            available,
        });
        Ok(())
    }

    /// Adds an agency at an existing unit.
    pub fn add_agency(&mut self, agency: Agency) -> Result<(), EngineError> {
        self.hierarchy.unit(agency.unit)?;
        if self.agency_idx.contains_key(&agency.id) {
            return Err(EngineError::Duplicate(format!("agency {}", agency.id)));
        }
        let i = self.agencies.len();
        self.directory.add_agency(i, &agency, &self.hierarchy);
        self.agency_idx.insert(agency.id.clone(), i);
        self.journal_change(crate::journal::Change::AgencyAdded(agency.clone()));
        self.agencies.push(agency);
        Ok(())
    }

    /// An agency.
    pub fn agency(&self, id: &str) -> Option<&Agency> {
        self.agency_idx.get(id).map(|&i| &self.agencies[i])
    }

    /// All agencies.
    pub fn agencies(&self) -> &[Agency] {
        &self.agencies
    }

    /// Validates a rule set against this world, without loading it.
    pub fn validate_rules(&self, set: &RuleSet) -> Diagnostics {
        crate::routing::validate(set, Some(&self.schema()))
    }

    /// Every diagnostic of a rule set given as text, against this world, each with the line
    /// and column of the value it names ([`crate::routing::diagnose`]): for editors.
    pub fn validate_rules_text(&self, text: &str) -> Vec<crate::routing::Located> {
        crate::routing::diagnose(text, Some(&self.schema()))
    }

    /// Validates and loads a rule set. Refused (nothing changes) if it has errors; the
    /// warnings are returned. The journal records the load as the system's; a host that
    /// knows who loaded it uses [`Engine::load_rules_as`]. Cases already routed keep the
    /// version that decided them.
    pub fn load_rules(&mut self, set: RuleSet) -> Result<Vec<Diagnostic>, EngineError> {
        self.load_rules_as(&Actor::System, set, None)
    }

    /// Compiles and installs a rule set as the current one (not journaled).
    fn install_rules(&mut self, set: RuleSet) -> Result<Vec<Diagnostic>, EngineError> {
        let router = Router::new(set, Some(&self.schema())).map_err(EngineError::Rules)?;
        let warnings = router.warnings().to_vec();
        self.router = router;
        self.refresh_ledger();
        Ok(warnings)
    }

    pub(crate) fn schema(&self) -> Schema<'_> {
        Schema {
            hierarchy: &self.hierarchy,
            directory: &self.directory,
        }
    }

    pub(crate) fn world(&self) -> World<'_> {
        World {
            hierarchy: &self.hierarchy,
            staff: &self.staff,
            agencies: &self.agencies,
            directory: &self.directory,
            people: &self.people,
        }
    }

    /// What the lifecycle knows of an actor; unknown identities are refused.
    pub fn actor_kind(&self, actor: &Actor) -> Result<ActorKind, EngineError> {
        match actor {
            Actor::Staff(id) => self
                .staff(id)
                .map(|s| ActorKind::Staff(s.role))
                .ok_or_else(|| EngineError::UnknownStaff(id.clone())),
            Actor::Agency(id) => self
                .agency(id)
                .map(|a| ActorKind::Agency(a.kind))
                .ok_or_else(|| EngineError::UnknownAgency(id.clone())),
            Actor::System => Ok(ActorKind::System),
        }
    }

    /// The unit an actor serves (the system serves everywhere).
    pub fn actor_unit(&self, actor: &Actor) -> Option<DivisionCode> {
        match actor {
            Actor::Staff(id) => self.staff(id).map(|s| s.unit),
            Actor::Agency(id) => self.agency(id).map(|a| a.unit),
            Actor::System => None,
        }
    }

    fn check_parties(&self, parties: &[Party], registered: NaiveDate) -> Result<(), EngineError> {
        if parties.is_empty() {
            return Err(EngineError::NoParties);
        }
        for (i, p) in parties.iter().enumerate() {
            if parties[..i].contains(p) {
                return Err(EngineError::DuplicateParty {
                    party: serde_json::to_string(p).unwrap_or_default(),
                });
            }
            match p {
                Party::Person(id) => match self.people.get(id) {
                    None => return Err(EngineError::UnknownPerson(id.clone())),
                    Some(person)
                        if person
                            .id_number
                            .as_ref()
                            .is_some_and(|n| n.birth_date() > registered) =>
                    {
                        return Err(EngineError::BornLater {
                            person: id.clone(),
                            registered,
                        })
                    }
                    Some(_) => {}
                },
                Party::Household(code) => {
                    self.hierarchy.unit(*code)?;
                }
                Party::Organisation {
                    unit: Some(code), ..
                } => {
                    self.hierarchy.unit(*code)?;
                }
                _ => {}
            }
        }
        Ok(())
    }
}
