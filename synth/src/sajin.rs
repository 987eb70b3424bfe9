//! The Sajin Street scenario (洒金街道, Xingyi City, Qianxinan): the seed article's world and
//! three years of its disputes, run through the library end to end.
//!
//! The world (numbers chosen for a large relocation settlement; the article gives the
//! structure, not the sizes): one street with its governance centre, police station and
//! judicial office; one village and four communities, each with a centre; 65 grids of 38
//! household groups of 10 households (24,700 households, about 69,400 residents at 2.81 per
//! household); the 31 full-time mediators and legal-literate residents of the article
//! (two mediators and four or five legal-literate residents per village/community); a grid
//! worker per grid, a head per household group, three village cadres per village/community
//! covering its grids (包片), legal counsel at the street and in each village/community; the
//! city's centre, court and "+N" departments. Codes are real-looking, under Xingyi City
//! (522301).
//!
//! The disputes (2021-01-04 to 2023-12-15): 1,587 screened, of which 1,045 are mediated to
//! an agreement and 542 stabilised; in 2023 the article's 186 marriage/family, 34
//! neighbour, 68 labour, 22 property-management and 17 education disputes, all mediated, and
//! 12 major, complex disputes handled jointly and resolved. Everything else — channels,
//! parties, risk, timing, judicial confirmation, feedback, revisits, daily zero reports and
//! weekly deadline sweeps — is drawn from a seeded generator, and every step goes through
//! the engine: the default rule set routes, the lifecycle checks, the trace records. The
//! figures come out of [`Reader::statistics`](fengqiao::engine::Reader::statistics), not out of constants.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};

use super::{CommunitySpec, Places, Rng, Spec, StreetSpec};
use fengqiao::cadence::ZeroReport;
use fengqiao::calendar::china_date;
use fengqiao::dispute::{CaseCode, Category, DisputeInput};
use fengqiao::engine::{Engine, EngineError};
use fengqiao::hierarchy::{DivisionCode, Level};
use fengqiao::lifecycle::{
    Agreement, AgreementForm, Method, Operation, OtherRoute, PauseReason, State,
};
use fengqiao::staff::Role;
use fengqiao::trace::Actor;

/// The first and last day of the simulated period.
pub const FIRST_DAY: &str = "2021-01-04";
/// The last day (the article is dated 2023-12-19).
pub const LAST_DAY: &str = "2023-12-15";

/// The world of the scenario.
pub fn spec(seed: u64) -> Spec {
    let c = |name: &str, village: bool, grids: u32, legal_literate: u32| CommunitySpec {
        name: name.into(),
        village,
        grids,
        mediators: 2,
        legal_literate,
        cadres: 3,
    };
    Spec {
        county: "522301000000".into(),
        county_name: "兴义市".into(),
        streets: vec![StreetSpec {
            name: "洒金街道".into(),
            communities: vec![
                c("洒金村", true, 9, 5),
                c("锦华社区", false, 14, 4),
                c("福康社区", false, 14, 4),
                c("安居社区", false, 14, 4),
                c("和顺社区", false, 14, 4),
            ],
        }],
        groups_per_grid: 38,
        households_per_group: 10,
        persons_per_household: 2.81,
        seed,
    }
}

/// A finished run: the engine with every case and report, and the places.
pub struct Scenario {
    /// The engine holding the world, the cases and their traces.
    pub engine: Engine,
    /// The generated places.
    pub places: Places,
    /// The seed used.
    pub seed: u64,
    /// Deadline sweeps run.
    pub sweeps: u32,
    /// The world document the engine was built from: with the engine's journal, all a
    /// host needs to restore it.
    pub world: fengqiao::engine::WorldData,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Ending {
    Resolve,
    Stabilise,
}

struct Plan {
    year: i32,
    category: Category,
    major: bool,
    ending: Ending,
}

/// The article's 2023 counts for the five professional categories, all mediated.
pub const ARTICLE_2023: [(Category, u64); 5] = [
    (Category::MarriageFamily, 186),
    (Category::Neighbour, 34),
    (Category::Labour, 68),
    (Category::PropertyManagement, 22),
    (Category::Education, 17),
];

fn plans(rng: &mut Rng) -> Vec<Plan> {
    let mut v = Vec::new();
    let push = |v: &mut Vec<Plan>, year, category, n: u32, major: u32| {
        for i in 0..n {
            v.push(Plan {
                year,
                category,
                major: i < major,
                ending: Ending::Stabilise,
            });
        }
    };
    // 2023: the article's five categories and the rest (the ledger's mix), with the 12
    // major cases.
    for (cat, n) in super::disputes::MIX_2023 {
        let major = match cat {
            Category::Labour => 4,
            Category::PropertyManagement => 2,
            Category::Contract | Category::ForestLand => 3,
            _ => 0,
        };
        push(&mut v, 2023, cat, n, major);
    }
    // 2023 disputes of the five categories and the majors are all mediated (the article).
    for p in v.iter_mut() {
        if p.major || ARTICLE_2023.iter().any(|(c, _)| *c == p.category) {
            p.ending = Ending::Resolve;
        }
    }
    // 2021 and 2022: the same kinds of dispute in a similar mix.
    let mix: [(Category, u32); 12] = [
        (Category::MarriageFamily, 40),
        (Category::Neighbour, 12),
        (Category::Labour, 14),
        (Category::PropertyManagement, 6),
        (Category::Education, 4),
        (Category::Contract, 8),
        (Category::ForestLand, 5),
        (Category::Damages, 4),
        (Category::HousingHomestead, 3),
        (Category::Consumer, 2),
        (Category::Traffic, 1),
        (Category::Other, 1),
    ];
    for (year, n) in [(2021, 598), (2022, 561)] {
        for _ in 0..n {
            let cat = rng.weighted(&mix);
            push(&mut v, year, cat, 1, 0);
        }
    }
    // 1,045 mediated in all: the rest of the resolutions are drawn among the others.
    let fixed = v.iter().filter(|p| p.ending == Ending::Resolve).count();
    let mut open: Vec<usize> = (0..v.len())
        .filter(|&i| v[i].ending == Ending::Stabilise)
        .collect();
    rng.shuffle(&mut open);
    for &i in open.iter().take(1045 - fixed) {
        v[i].ending = Ending::Resolve;
    }
    v
}

/// A scheduled step of the simulation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    /// File the day's zero reports.
    Reports,
    /// Register plan i.
    Register(usize),
    /// Route case i.
    Route(usize),
    /// Accept case i.
    Accept(usize),
    /// A mediation session (the number of sessions left after this one).
    Session(usize, u32),
    /// Stabilise case i.
    Stabilise(usize),
    /// Apply for judicial confirmation.
    Apply(usize),
    /// The court grants it.
    Grant(usize),
    /// Feedback to the assigning unit.
    Feedback(usize),
    /// Revisit.
    Verify(usize),
    /// Close.
    Close(usize),
    /// A stabilised case's scheduled review (稳控复查).
    Review(usize),
    /// Mediation failed and was terminated; the parties ask to try again (重新启动).
    Retry(usize),
    /// A resolved, closed dispute flares again and is reopened.
    Flare(usize),
    /// The weekly deadline sweep, with escalation.
    Sweep,
    /// The handler stops the clock while an appraisal or an absent party is awaited.
    Suspend(usize),
    /// … and starts it again.
    Resume(usize),
    /// The handler asks for more working days.
    AskExtension(usize),
    /// The street's centre decides the request.
    DecideExtension(usize),
}

struct Sim {
    engine: Engine,
    places: Places,
    rng: Rng,
    plans: Vec<Plan>,
    codes: Vec<Option<CaseCode>>,
    /// Cases whose parties will apply for judicial confirmation.
    confirming: Vec<bool>,
    /// Cases whose first mediation failed (terminated, then tried again).
    failed: Vec<bool>,
    /// Cases reopened after closing.
    flared: Vec<bool>,
    /// The last day on which a new phase may start and still end within the period.
    cutoff: NaiveDate,
    /// Disputes registered per (day, household group), for the heads' reports.
    found: std::collections::HashMap<(NaiveDate, DivisionCode), Vec<CaseCode>>,
    queue: BinaryHeap<Reverse<(DateTime<Utc>, Step)>>,
    sweeps: u32,
    /// Draws for suspensions and extensions, apart from `rng` so the rest of the scenario
    /// (and the article's figures) does not move with them.
    clock_rng: Rng,
}

fn cst(day: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
    fengqiao::calendar::china_instant(day, hour, minute, 0).expect("valid time of day")
}

impl Sim {
    fn at(&mut self, t: DateTime<Utc>, s: Step) {
        self.queue.push(Reverse((t, s)));
    }

    /// A random office hour `lo` to `lo + spread - 1` working days after `t`'s day.
    fn later(&mut self, t: DateTime<Utc>, lo: u32, spread: u32) -> DateTime<Utc> {
        let n = lo + self.rng.below(spread.max(1) as u64) as u32;
        let day = self
            .engine
            .calendar()
            .add_working_days(china_date(t), n)
            .unwrap_or(china_date(t));
        let at = cst(day, 9 + self.rng.below(8) as u32, self.rng.below(60) as u32);
        at.max(t + Duration::minutes(5))
    }

    fn code(&self, i: usize) -> CaseCode {
        self.codes[i]
            .clone()
            .expect("registered before its later steps")
    }

    fn case(&self, i: usize) -> &fengqiao::lifecycle::Dispute {
        &self
            .engine
            .case(&self.codes[i].clone().expect("registered"))
            .expect("exists")
            .dispute
    }

    /// Who handles a case now: see [`crate::county::handler`].
    fn handler(&self, i: usize) -> Actor {
        crate::county::handler(&self.engine, &self.code(i))
    }

    /// Who closes a case (结案): the centre of its village/community, or of the unit above
    /// that handles it.
    fn closer(&self, i: usize) -> Actor {
        let unit = self.case(i).handling_unit;
        let unit = unit.prefix(12).unwrap_or(unit);
        Actor::Staff(crate::ids::centre_staff(unit))
    }

    fn grid_worker(&self, location: DivisionCode) -> Actor {
        let grid = location
            .prefix(self.engine.hierarchy().scheme().digits_at(Level::Grid))
            .expect("below grid");
        crate::ids::grid_worker_actor(grid)
    }

    fn input(&mut self, plan_index: usize, registered: DateTime<Utc>) -> DisputeInput {
        let p = &self.plans[plan_index];
        let above = self.places.streets[0];
        super::disputes::dispute(
            &mut self.rng,
            &self.places,
            p.category,
            p.major,
            registered,
            above,
        )
    }

    /// Who registers a dispute: see [`crate::county::registrar`].
    fn registrar(&self, input: &DisputeInput) -> Actor {
        crate::county::registrar(&self.engine, &self.places, input)
    }

    fn step(&mut self, t: DateTime<Utc>, s: Step) -> Result<(), EngineError> {
        let system = Actor::System;
        match s {
            Step::Reports => {
                let day = china_date(t);
                let staff: Vec<(String, Role, DivisionCode)> = self
                    .engine
                    .all_staff()
                    .iter()
                    .filter(|s| matches!(s.role, Role::HouseholdHead | Role::GridWorker))
                    .map(|s| (s.id.clone(), s.role, s.unit))
                    .collect();
                for (id, role, unit) in staff {
                    if self.rng.chance(0.002) {
                        continue; // a missed day, as happens
                    }
                    let disputes = match role {
                        Role::HouseholdHead => self.found.remove(&(day, unit)).unwrap_or_default(),
                        _ => Vec::new(),
                    };
                    let report = ZeroReport {
                        date: day,
                        disputes,
                        note: String::new(),
                    };
                    self.engine.file_report(&Actor::Staff(id), report)?;
                }
            }
            Step::Register(i) => {
                let input = self.input(i, t);
                let actor = self.registrar(&input);
                let group = input.location.prefix(
                    self.engine
                        .hierarchy()
                        .scheme()
                        .digits_at(Level::HouseholdGroup),
                );
                let code = self.engine.register(&actor, input, t)?;
                if let Some(g) = group {
                    self.found
                        .entry((china_date(t), g))
                        .or_default()
                        .push(code.clone());
                }
                self.codes[i] = Some(code);
                self.at(t + Duration::minutes(10), Step::Route(i));
            }
            Step::Route(i) => {
                let code = self.code(i);
                let decision = self.engine.route(&system, &code, t)?;
                // Orange and red risk are accepted the day they are registered (accept
                // limit 0): the centres keep to it.
                let same_day = decision.deadlines.accept.is_some_and(|l| l.red == 0);
                let next = self.later(t, 0, if same_day { 1 } else { 2 });
                self.at(next, Step::Accept(i));
            }
            Step::Accept(i) => {
                let code = self.code(i);
                let who = self.handler(i);
                self.engine.apply(
                    &who,
                    &code,
                    Operation::Accept {
                        note: String::new(),
                    },
                    t,
                )?;
                // A few cases wait on an appraisal or an absent party (中止计时), a few
                // ask the street for more time (延期): only those a village/community
                // handles, whose street is the unit above.
                let local = self
                    .case(i)
                    .routing
                    .as_ref()
                    .is_some_and(|r| r.level >= Level::Community);
                if local && china_date(t) < self.cutoff {
                    if self.clock_rng.chance(0.03) {
                        let next = t + Duration::hours(20);
                        self.at(next, Step::Suspend(i));
                    } else if self.clock_rng.chance(0.03) {
                        let next = t + Duration::hours(2);
                        self.at(next, Step::AskExtension(i));
                    }
                }
                match self.plans[i].ending {
                    Ending::Resolve => {
                        let sessions =
                            1 + self.rng.below(if self.plans[i].major { 4 } else { 3 }) as u32;
                        let next = self.later(t, 0, 2);
                        self.at(next, Step::Session(i, sessions - 1));
                    }
                    Ending::Stabilise => {
                        let next = self.later(t, 1, 3);
                        self.at(next, Step::Stabilise(i));
                    }
                }
            }
            Step::Session(i, left) => {
                let code = self.code(i);
                let who = self.handler(i);
                let method = if self.plans[i].major {
                    Method::Joint
                } else {
                    *self.rng.pick(&[
                        Method::FaceToFace,
                        Method::BenchMeeting,
                        Method::CourtyardMeeting,
                        Method::HomeVisit,
                    ])
                };
                let op = Operation::RecordSession {
                    method,
                    summary: String::new(),
                    parties_consent: true,
                };
                self.engine.apply(&who, &code, op, t)?;
                if left > 0 {
                    let next = self.later(t, 1, 2);
                    self.at(next, Step::Session(i, left - 1));
                    return Ok(());
                }
                // About one mediation in twenty-five fails at first: terminated, the parties
                // told of litigation (人民调解法 art. 26), and tried again at their request.
                // (Not the grid worker's on-the-spot matters: a failure there goes up to the
                // community's mediators, which this scenario does not model.)
                let plan = &self.plans[i];
                let on_the_spot = self
                    .case(i)
                    .routing
                    .as_ref()
                    .is_some_and(|r| r.level == Level::Grid);
                let may_fail = !plan.major
                    && !on_the_spot
                    && plan.category != Category::Labour
                    && !self.failed[i]
                    && china_date(t) < self.cutoff;
                if may_fail && self.rng.chance(0.04) {
                    self.failed[i] = true;
                    let op = Operation::Terminate {
                        reason: "一方不接受调解方案".into(),
                        routes: vec![OtherRoute::Litigation],
                    };
                    self.engine.apply(&who, &code, op, t)?;
                    let next = self.later(t, 3, 5);
                    self.at(next, Step::Retry(i));
                    return Ok(());
                }
                let share = 60 + self.rng.below(40);
                let d = self.case(i);
                let amount = d.input.amount_yuan.map(|a| a * share / 100).unwrap_or(0);
                let written =
                    amount > 0 || d.routing.as_ref().is_some_and(|r| r.offer_confirmation);
                let offered = d.routing.as_ref().is_some_and(|r| r.offer_confirmation);
                let agreement = Agreement {
                    form: if written {
                        AgreementForm::Written
                    } else {
                        AgreementForm::Oral
                    },
                    effective_on: china_date(t),
                    terms: "双方自愿达成调解协议".into(),
                    amount_yuan: amount,
                    parties_signed: written,
                    mediator_signed: written,
                    committee_sealed: written,
                    excluded: None,
                };
                self.engine
                    .apply(&who, &code, Operation::Resolve { agreement }, t)?;
                let confirm = offered && written && self.rng.chance(0.3);
                if confirm {
                    self.confirming[i] = true;
                    let next = self.later(t, 1, 6);
                    self.at(next, Step::Apply(i));
                }
                self.after_result(i, t);
            }
            Step::Stabilise(i) => {
                let code = self.code(i);
                let who = self.handler(i);
                let review = china_date(t) + Duration::days(30);
                let op = Operation::Stabilise {
                    plan: "联户长每日关注、网格员每周走访".into(),
                    next_review: review,
                };
                self.engine.apply(&who, &code, op, t)?;
                self.at(cst(review, 10, 0), Step::Review(i));
                self.after_result(i, t);
            }
            Step::Review(i) => {
                // 稳控复查 on the day set; about one review in forty slips a few days.
                let d = self.case(i);
                if d.state != State::Stabilised {
                    return Ok(());
                }
                let due = d
                    .watch
                    .as_ref()
                    .map(|w| w.1)
                    .expect("stabilised cases have a watch");
                let location = d.input.location;
                let today = china_date(t);
                if today == due && self.rng.chance(0.025) {
                    let late = t + Duration::days(2 + self.rng.below(4) as i64);
                    self.at(late, Step::Review(i));
                    return Ok(());
                }
                let code = self.code(i);
                let who = self.grid_worker(location);
                let next_review = today + Duration::days(30);
                let op = Operation::Stabilise {
                    plan: "复查：情绪平稳，继续稳控".into(),
                    next_review,
                };
                self.engine.apply(&who, &code, op, t)?;
                self.at(cst(next_review, 10, 0), Step::Review(i));
            }
            Step::Retry(i) | Step::Flare(i) => {
                let code = self.code(i);
                let who = self.handler(i);
                let reason = match s {
                    Step::Retry(_) => "双方申请再次调解",
                    _ => "协议履行中再起争执",
                };
                let op = Operation::Reopen {
                    reason: reason.into(),
                };
                self.engine.apply(&who, &code, op, t)?;
                let next = self.later(t, 1, 2);
                self.at(next, Step::Session(i, 0));
            }
            Step::Apply(i) => {
                let code = self.code(i);
                let who = self.closer(i);
                // Both parties apply together (人民调解法 art. 33).
                let op = Operation::ApplyConfirmation {
                    applied_on: china_date(t),
                    applicants: self.case(i).input.parties.clone(),
                };
                self.engine.apply(&who, &code, op, t)?;
                let next = self.later(t, 2, 8);
                self.at(next, Step::Grant(i));
            }
            Step::Grant(i) => {
                let code = self.code(i);
                let court = Actor::Agency(format!("court-{}", self.places.county.expect("built")));
                // The court accepts the application the day after it was made (within the
                // 3 days of 法释〔2011〕5号 art. 4), then rules.
                let today = china_date(t);
                let applied = self.case(i).confirmation.as_ref().map(|c| c.applied_on);
                let accepted_on = applied
                    .and_then(|a| a.succ_opt())
                    .map_or(today, |a| a.min(today));
                self.engine.apply(
                    &court,
                    &code,
                    Operation::AcceptConfirmation { accepted_on },
                    t,
                )?;
                self.engine.apply(
                    &court,
                    &code,
                    Operation::GrantConfirmation {
                        decided_on: china_date(t),
                    },
                    t,
                )?;
                let next = self.later(t, 1, 1);
                self.at(next, Step::Close(i));
            }
            Step::Feedback(i) => {
                let code = self.code(i);
                let who = self.handler(i);
                let op = Operation::Feedback {
                    summary: "已入户调查并化解稳控，情况已反馈".into(),
                };
                self.engine.apply(&who, &code, op, t)?;
            }
            Step::Verify(i) => {
                let code = self.code(i);
                let who = self.grid_worker(self.case(i).input.location);
                let op = Operation::Verify {
                    satisfied: true,
                    note: "回访，当事人满意".into(),
                };
                self.engine.apply(&who, &code, op, t)?;
                if self.plans[i].ending == Ending::Resolve {
                    let close = self.later(t, 1, 1);
                    self.at(close, Step::Close(i));
                }
            }
            Step::Close(i) => {
                let code = self.code(i);
                let d = self.case(i);
                let pending = match &d.confirmation {
                    Some(c) => c.status == fengqiao::lifecycle::ConfirmationStatus::Applied,
                    None => self.confirming[i],
                };
                // Closed once revisited and with no court decision pending, whichever comes last.
                if d.state == State::Resolved && d.verified.is_some() && !pending {
                    // A confirmed agreement is enforced, never reopened (人民调解法 art. 33).
                    let confirmed = d.confirmation.is_some();
                    let who = self.closer(i);
                    self.engine.apply(
                        &who,
                        &code,
                        Operation::Close {
                            summary: String::new(),
                        },
                        t,
                    )?;
                    // About one closed dispute in forty flares again weeks later.
                    if !confirmed && !self.flared[i] && self.rng.chance(0.025) {
                        let flare = self.later(t, 20, 40);
                        if china_date(flare) < self.cutoff {
                            self.flared[i] = true;
                            self.at(flare, Step::Flare(i));
                        }
                    }
                }
            }
            Step::Sweep => {
                self.engine.sweep(t)?;
                self.sweeps += 1;
            }
            Step::Suspend(i) => {
                if !self.case(i).state.is_open() || self.case(i).open_pause().is_some() {
                    return Ok(());
                }
                let code = self.code(i);
                let who = self.handler(i);
                let (reason, note) = if self.clock_rng.chance(0.5) {
                    (PauseReason::Appraisal, "等待房屋安全鉴定结论")
                } else {
                    (PauseReason::WaitingForParty, "一方当事人外出务工，待其返乡")
                };
                let op = Operation::Suspend {
                    reason,
                    note: note.into(),
                };
                self.engine.apply(&who, &code, op, t)?;
                let back = t + Duration::days(3 + self.clock_rng.below(8) as i64);
                self.at(back, Step::Resume(i));
            }
            Step::Resume(i) => {
                // The case may have reached its result meanwhile: that ended the suspension.
                if self.case(i).open_pause().is_none() {
                    return Ok(());
                }
                let code = self.code(i);
                let who = self.handler(i);
                let op = Operation::Resume {
                    note: "恢复计时".into(),
                };
                self.engine.apply(&who, &code, op, t)?;
            }
            Step::AskExtension(i) => {
                let d = self.case(i);
                if !d.state.is_open() || d.pending_extension().is_some() {
                    return Ok(());
                }
                let code = self.code(i);
                let who = self.handler(i);
                let op = Operation::RequestExtension {
                    days: 5,
                    reason: "需组织多方联合调解".into(),
                };
                self.engine.apply(&who, &code, op, t)?;
                let next = t + Duration::hours(3);
                self.at(next, Step::DecideExtension(i));
            }
            Step::DecideExtension(i) => {
                if self.case(i).pending_extension().is_none() {
                    return Ok(());
                }
                let code = self.code(i);
                let street = Actor::Staff(crate::ids::centre_staff(self.places.streets[0]));
                let approved = !self.clock_rng.chance(0.2);
                let days = approved.then(|| 3 + self.clock_rng.below(3) as u32);
                let op = Operation::DecideExtension {
                    approved,
                    days,
                    note: String::new(),
                };
                self.engine.apply(&street, &code, op, t)?;
            }
        }
        Ok(())
    }

    /// Feedback and the revisit after a result (the revisit schedules the closing).
    fn after_result(&mut self, i: usize, t: DateTime<Utc>) {
        if self.case(i).assigned_by.is_some() {
            let next = self.later(t, 1, 1);
            self.at(next, Step::Feedback(i));
        }
        let verify = self.later(t, 2, 3);
        self.at(verify, Step::Verify(i));
    }
}

/// Xingyi City's own days off over the national calendar: the Buyei and Miao festivals the
/// autonomous prefecture keeps (布依族“三月三”, “六月六”) where they fall on a working day.
/// The days are illustrative (the lunar dates of those years), not a copy of a notice.
pub fn local_calendar() -> fengqiao::calendar::LocalCalendar {
    use fengqiao::calendar::{LocalCalendar, LocalDay};
    let day = |d: &str, name: &str| LocalDay {
        date: d.parse().expect("valid"),
        name: name.into(),
    };
    LocalCalendar {
        unit: "522301000000".parse().expect("valid"),
        source: "示例：黔西南州民族节日放假（“三月三”“六月六”），日期按农历推算".into(),
        days_off: vec![
            day("2021-04-14", "三月三"),
            day("2021-07-15", "六月六"),
            day("2022-07-04", "六月六"),
        ],
        working_days: vec![],
    }
}

/// Runs the scenario from a seed. Deterministic: the same seed gives the same cases,
/// traces and figures.
pub fn run(seed: u64) -> Result<Scenario, EngineError> {
    let (mut data, places) = crate::world_data(&spec(seed))?;
    data.local_calendars.push(local_calendar());
    let engine = Engine::from_world(data.clone())?;
    let mut rng = Rng::new(seed ^ 0x5A11);
    let plans = plans(&mut rng);
    let n = plans.len();
    let mut sim = Sim {
        engine,
        places,
        rng,
        codes: vec![None; n],
        confirming: vec![false; n],
        failed: vec![false; n],
        flared: vec![false; n],
        cutoff: LAST_DAY.parse::<NaiveDate>().expect("valid") - Duration::days(30),
        plans,
        found: Default::default(),
        queue: BinaryHeap::new(),
        sweeps: 0,
        clock_rng: Rng::new(seed ^ 0xC10C),
    };
    let first: NaiveDate = FIRST_DAY.parse().expect("valid");
    let last: NaiveDate = LAST_DAY.parse().expect("valid");
    // Working days of the period, per year, for registrations.
    let mut days_by_year: std::collections::BTreeMap<i32, Vec<NaiveDate>> = Default::default();
    let mut d = first;
    while d <= last {
        if sim.engine.calendar().is_working_day(d)? {
            days_by_year.entry(d.year()).or_default().push(d);
            sim.at(cst(d, 18, 0), Step::Reports);
        }
        if d.weekday() == chrono::Weekday::Sun {
            sim.at(cst(d, 20, 0), Step::Sweep);
        }
        d = d.succ_opt().expect("in range");
    }
    // Registrations stop two weeks before the last day, so every case reaches its result
    // (the article counts every screened dispute as resolved or stabilised).
    let cutoff = last - Duration::days(14);
    for days in days_by_year.values_mut() {
        days.retain(|d| *d <= cutoff);
    }
    for i in 0..n {
        let days = &days_by_year[&sim.plans[i].year];
        let day = days[sim.rng.below(days.len() as u64) as usize];
        let t = cst(day, 9 + sim.rng.below(7) as u32, sim.rng.below(60) as u32);
        sim.at(t, Step::Register(i));
    }
    let end = cst(last, 23, 59);
    while let Some(Reverse((t, s))) = sim.queue.pop() {
        // Steps after the last day belong to the future of the report; stop there.
        if t > end {
            break;
        }
        sim.step(t, s)?;
    }
    Ok(Scenario {
        engine: sim.engine,
        places: sim.places,
        seed,
        sweeps: sim.sweeps,
        world: data,
    })
}

/// The scenario rebuilt from its world document and its journal, as a host rebuilds its
/// engine after a restart: the same engine, so the same figures.
pub fn restored(s: &Scenario) -> Result<Scenario, EngineError> {
    let entries = s.engine.journal(0, usize::MAX)?;
    Ok(Scenario {
        engine: Engine::restore(s.world.clone(), entries)?,
        places: s.places.clone(),
        seed: s.seed,
        sweeps: s.sweeps,
        world: s.world.clone(),
    })
}

/// The figures of a run, computed by the library's own statistics and verification.
#[derive(Debug, Clone)]
pub struct Figures {
    /// The whole period, all cases.
    pub totals: fengqiao::stats::Report,
    /// 2023, by category.
    pub by_category_2023: fengqiao::stats::Report,
    /// 2023 totals.
    pub totals_2023: fengqiao::stats::Report,
    /// The whole period, per village/community.
    pub by_community: fengqiao::stats::Report,
    /// Cases whose trace verified and replayed to their live state.
    pub traces_verified: usize,
    /// Events in all traces.
    pub events: usize,
    /// Zero reports filed.
    pub reports_filed: usize,
    /// Reporters who missed the last day's report.
    pub missing_last_day: usize,
    /// Deadline sweeps run.
    pub sweeps: u32,
    /// Scheduled reviews of stabilised cases held (稳控复查), beyond the first stabilisation.
    pub reviews: usize,
    /// Stabilised cases past their review date at the end (the sweep's notice).
    pub reviews_overdue: usize,
    /// Mediations terminated (failed; 人民调解法 art. 26).
    pub terminations: usize,
    /// Reopenings (after a failed mediation, or a dispute that flared again).
    pub reopened: u64,
    /// 2023's assessment (考核) of the villages/communities and the street.
    pub assessment_2023: fengqiao::assessment::Assessment,
    /// The local calendar the cases were timed on.
    pub local_days_off: usize,
    /// The moment the figures were taken.
    pub as_of: DateTime<Utc>,
}

/// Computes the figures of a run as the street's centre sees them.
pub fn figures(s: &Scenario) -> Result<Figures, EngineError> {
    use fengqiao::stats::Query;
    let e = &s.engine;
    let street = s.places.streets[0];
    let centre = Actor::Staff(crate::ids::centre_staff(street));
    let last: NaiveDate = LAST_DAY.parse().expect("valid");
    let as_of = cst(last, 23, 59);
    let year = |y: i32| Query {
        within: Some(street),
        from: NaiveDate::from_ymd_opt(y, 1, 1),
        to: NaiveDate::from_ymd_opt(y, 12, 31),
        ..Query::default()
    };
    let totals = e.reader(&centre, as_of).and_then(|r| {
        r.statistics(&Query {
            within: Some(street),
            ..Query::default()
        })
    })?;
    let by_category_2023 = e.reader(&centre, as_of).and_then(|r| {
        r.statistics(&Query {
            by_category: true,
            ..year(2023)
        })
    })?;
    let totals_2023 = e
        .reader(&centre, as_of)
        .and_then(|r| r.statistics(&year(2023)))?;
    let by_community = e.reader(&centre, as_of).and_then(|r| {
        r.statistics(&Query {
            within: Some(street),
            by_level: Some(Level::Community),
            ..Query::default()
        })
    })?;
    let mut traces_verified = 0;
    let mut events = 0;
    let (mut reviews, mut terminations, mut reopened) = (0, 0, 0);
    for c in e.cases() {
        e.verify(&c.dispute.code)?;
        traces_verified += 1;
        events += c.events.len();
        let kinds = || c.events.iter().map(|e| e.op.kind());
        reviews += kinds()
            .filter(|k| *k == fengqiao::lifecycle::OperationKind::Stabilise)
            .count()
            .saturating_sub(1);
        terminations += kinds()
            .filter(|k| *k == fengqiao::lifecycle::OperationKind::Terminate)
            .count();
        reopened += u64::from(c.dispute.reopened);
    }
    let reviews_overdue = e
        .deadlines(as_of)?
        .iter()
        .filter(|s| {
            s.legal
                .contains(&fengqiao::deadline::LegalNotice::ReviewOverdue)
        })
        .count();
    let missing_last_day = e
        .reader(&Actor::System, as_of)
        .and_then(|r| r.missing_reports(street, last))?
        .len();
    let assessment_2023 = e.reader(&centre, as_of).and_then(|r| {
        r.assessment(&fengqiao::assessment::AssessmentQuery {
            within: Some(street),
            level: Level::Community,
            from: NaiveDate::from_ymd_opt(2023, 1, 1).expect("valid"),
            to: last,
            weights: None,
        })
    })?;
    let local_days_off = e.local_calendars().map(|c| c.days_off.len()).sum();
    Ok(Figures {
        totals,
        by_category_2023,
        totals_2023,
        by_community,
        traces_verified,
        events,
        reports_filed: e.report_count(),
        missing_last_day,
        sweeps: s.sweeps,
        reviews,
        reviews_overdue,
        terminations,
        reopened,
        assessment_2023,
        local_days_off,
        as_of,
    })
}

impl Figures {
    /// The report a centre would recognise, in Chinese with English alongside.
    pub fn to_text(&self, s: &Scenario) -> String {
        use std::fmt::Write as _;
        let pct = |x: f64| format!("{:.1}%", x * 100.0);
        let t = &self.totals.total.counts;
        let r = self.totals.total.rates;
        let y = &self.totals_2023.total.counts;
        let e = &s.engine;
        let count = |role| e.all_staff().iter().filter(|x| x.role == role).count();
        let mut o = String::new();
        let _ = writeln!(
            o,
            "兴义市洒金街道矛盾纠纷排查化解情况（{FIRST_DAY} 至 {LAST_DAY}）"
        );
        let _ = writeln!(o, "Sajin Street, Xingyi City: dispute screening and resolution, {FIRST_DAY} to {LAST_DAY} (seed {})", s.seed);
        let _ = writeln!(o);
        let _ = writeln!(
            o,
            "一中心一张网十联户 / the network: 1 street centre, {} villages/communities, {} grids, {} household groups (联户), {} households, {} residents",
            s.places.communities.len(),
            s.places.grids.len(),
            s.places.groups.len(),
            s.places.households.len(),
            s.places.persons.len()
        );
        let _ = writeln!(
            o,
            "  网格员 grid workers {}, 联户长 household heads {}, 专职人民调解员 mediators {} (village/community) + 1 (street), 法律明白人 legal-literate {}, 法律顾问 counsel {}, 村干部 cadres {}",
            count(Role::GridWorker),
            count(Role::HouseholdHead),
            count(Role::Mediator) - s.places.streets.len(),
            count(Role::LegalLiterate),
            count(Role::LegalCounsel),
            count(Role::VillageCadre)
        );
        let _ = writeln!(o);
        let _ = writeln!(o, "三年合计 / three-year totals");
        let _ = writeln!(o, "  排查 screened      {:>6}", t.screened);
        let _ = writeln!(
            o,
            "  调处 mediated      {:>6}   (化解 succeeded {})",
            t.mediated, t.succeeded
        );
        let _ = writeln!(o, "  稳控 stabilised    {:>6}", t.stabilised);
        let _ = writeln!(o, "  稳控化解覆盖率 coverage {}", pct(r.coverage));
        let _ = writeln!(
            o,
            "  上报 escalated {}, 司法确认 judicially confirmed {}, 结案 closed {}",
            t.escalated, t.confirmed, t.closed
        );
        let _ = writeln!(o, "  小事不出社区 kept in the village/community: {}   大事不出街道 kept in the street: {}", pct(r.in_community), pct(r.in_street));
        let _ = writeln!(
            o,
            "  按时办结率 results on time: {} ({} of {})",
            pct(r.on_time),
            t.results_on_time,
            t.results
        );
        let _ = writeln!(
            o,
            "  稳控复查 reviews held {}, overdue at the end {}; 调解终止 mediations terminated {} (mediated again at the parties' request); 重新启动 reopened {}",
            self.reviews, self.reviews_overdue, self.terminations, self.reopened
        );
        let _ = writeln!(
            o,
            "  超期 overdue now: red {}, yellow {}",
            t.overdue_red, t.overdue_yellow
        );
        let _ = writeln!(o);
        let _ = writeln!(o, "2023年分类 / 2023 by category");
        // The library's one table renderer: aligned by display width, as the tables below.
        let mut table = fengqiao::table::Table::new(
            [
                "分类",
                "category",
                "排查/screened",
                "调处/mediated",
                "稳控/stabilised",
            ]
            .map(String::from)
            .to_vec(),
        );
        for row in &self.by_category_2023.rows {
            let c = row.category.expect("by category");
            table.row(vec![
                c.label_zh().to_string(),
                c.label_en().to_string(),
                row.counts.screened.to_string(),
                row.counts.mediated.to_string(),
                row.counts.stabilised.to_string(),
            ]);
        }
        o.push_str(&table.render());
        let _ = writeln!(
            o,
            "  联合调处重大疑难复杂矛盾 major disputes handled jointly (公安+司法+法院+综治+N): {}, 化解 resolved {}",
            y.joint, self.joint_resolved_2023(s)
        );
        let _ = writeln!(o);
        let _ = writeln!(o, "各村（社区） / per village and community");
        o.push_str(&self.by_community.to_table(fengqiao::stats::Lang::Both));
        let _ = writeln!(o);
        let a = &self.assessment_2023.total;
        let _ = writeln!(
            o,
            "2023年时限考核 / 2023 time-limit assessment (working days on Xingyi's calendar: {} local days off; {} suspensions, {} extensions asked, {} granted for {} working days)",
            self.local_days_off, a.suspensions, a.extensions_requested, a.extensions_granted, a.extension_days
        );
        o.push_str(&self.assessment_2023.to_table(fengqiao::stats::Lang::Both));
        let _ = writeln!(o);
        let _ = writeln!(
            o,
            "留痕 / trace: {} of {} case traces verified (SM3 chain and replay), {} events; {} zero reports filed (有事报情况、无事报平安), {} missing on {LAST_DAY}; {} weekly deadline sweeps",
            self.traces_verified,
            t.screened,
            self.events,
            self.reports_filed,
            self.missing_last_day,
            self.sweeps
        );
        o
    }

    /// 2023's joint cases that reached an agreement.
    pub fn joint_resolved_2023(&self, s: &Scenario) -> usize {
        s.engine
            .cases()
            .filter(|c| china_date(c.dispute.registered_at).year() == 2023)
            .filter(|c| c.dispute.routing.as_ref().is_some_and(|r| r.is_joint()))
            .filter(|c| c.dispute.agreement.is_some())
            .count()
    }
}
