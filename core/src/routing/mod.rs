//! Routing (流转): which level handles a dispute, which team, which agencies join, what
//! deadlines apply and when it escalates — decided by a rule set that is data.
//!
//! The flow is Cedar's: parse ([`RuleSet::from_json`]) → validate against the world
//! ([`validate`]) → compile ([`Router::new`]) → decide ([`Router::decide`]), and every
//! decision carries its [`Explanation`]. The compiled evaluator is checked against the
//! plain one ([`Router::matching_reference`]) by differential tests.

mod index;
mod json_path;
mod limits;
mod matched;
mod model;
mod outcomes;
mod team;
mod validate;

use std::collections::HashSet;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

pub(crate) use index::{eval, Index};
pub use index::{Facts, NoUnits, UnitLookup};
pub use json_path::{diagnose, locate, null_paths, path_at_position, Located, Span};
pub use limits::{AssessmentWeights, LimitStandard, TimeLimits};
pub use matched::Matched;
pub use model::{
    Condition, Deadlines, EscalateWhen, Escalation, Grade, HitPolicy, LegalWindows, Limit, Outcome,
    Range, Rule, RuleSet, Target, TeamSlot, Vocabulary,
};
pub(crate) use team::{assemble, join_agencies, Directory, PartySet, World};
pub use team::{Candidate, JoinedAgency, Unfilled, Verdict};
pub(crate) use validate::Schema;
pub use validate::{validate, Diagnostic, DiagnosticCode, Diagnostics, Severity};

use crate::agency::AgencyKind;
use crate::dispute::{DisputeInput, Party, TeamMember};
use crate::hierarchy::{DivisionCode, Level};

/// The shipped default rule set (see `docs/rules.md` for its rationale, rule by rule). A
/// `static`, not a `const`: a const is copied into every place that uses it.
pub static DEFAULT_RULES_JSON: &str = include_str!("../../data/default-rules.json");

/// Why a dispute could not be routed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RoutingError {
    /// The dispute's location is not in the hierarchy.
    #[error("the dispute's location {0} is not in the hierarchy")]
    UnknownLocation(DivisionCode),
    /// No rule matched and the defaults set no level (a validated rule set prevents this).
    #[error("no rule of {0} matched the dispute and the defaults give no handling level")]
    NoDecision(String),
}

/// A routing decision, as recorded on the case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Decision {
    /// `id@version` of the rule set that decided.
    pub rule_set: String,
    /// The rule set's hit policy.
    pub policy: HitPolicy,
    /// Ids of the rules that matched, in evaluation order. Under `first`, the first decided.
    pub matched: Vec<String>,
    /// Where the parties' units meet (the location itself for a one-unit dispute): the
    /// unit the rules' conditions are judged from.
    pub deciding_unit: DivisionCode,
    /// The level the rules send the case to (小事不出社区: community unless a rule says
    /// otherwise).
    pub level: Level,
    /// The unit at `level` that handles the case: the deciding unit's ancestor at that
    /// level, or the deciding unit itself when it is at that level.
    pub unit: DivisionCode,
    /// The team.
    pub team: Vec<TeamMember>,
    /// Roles nobody could fill.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unfilled: Vec<Unfilled>,
    /// Agencies joined (those not found have no `agency`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub agencies: Vec<JoinedAgency>,
    /// Working-day limits.
    pub deadlines: Deadlines,
    /// Escalation, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalation: Option<Escalation>,
    /// Whether judicial confirmation is to be offered.
    pub offer_confirmation: bool,
    /// Supervision grade from the start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supervision: Option<Grade>,
    /// Why.
    pub explanation: Explanation,
    /// The legal windows running for the case once routed, with their last days
    /// ([`crate::deadline::LegalWindow`]): filled by [`crate::engine::Engine::route`] for the
    /// caller, so a labour case's 15 days are visible on its first day. Not part of the
    /// decision recorded in the trace (a function of the case and the calendar, rebuilt on
    /// every read), so empty there.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub legal_windows: Vec<crate::deadline::LegalWindow>,
}

impl Decision {
    /// Whether the joint mechanism "公安+司法+法院+综治" (plus a sector department) is engaged.
    pub fn is_joint(&self) -> bool {
        use crate::agency::AgencyKind as K;
        let has = |k: K| {
            self.agencies
                .iter()
                .any(|a| a.kind == k && a.agency.is_some())
        };
        has(K::Police) && has(K::Justice) && has(K::Court) && has(K::GovernanceCentre)
    }

    /// The decision as a case's `route` event records it: nothing copied that the trace or
    /// the journal already holds. The rules' text is left out (the event names the rule set
    /// version, whose body the journal keeps, and the matched ids); so are the `chosen`
    /// candidates, which are the team — each member keeps where its candidate stood and its
    /// load ([`crate::dispute::TeamMember::chosen`]). [`Decision::restore_chosen`] and the
    /// rule set's notes make it whole again on read; traces recorded before hash as written.
    pub fn recorded(&self) -> Decision {
        let mut d = self.clone();
        d.explanation.rules.clear();
        d.legal_windows.clear();
        let mut kept = Vec::with_capacity(d.explanation.candidates.len());
        for (i, c) in d.explanation.candidates.drain(..).enumerate() {
            let team::Verdict::Chosen { load } = c.verdict else {
                kept.push(c);
                continue;
            };
            let member = d.team.iter_mut().find(|m| {
                m.chosen.is_none() && m.role == c.role && m.staff == c.staff && m.unit == c.unit
            });
            match (member, u32::try_from(i)) {
                (Some(m), Ok(at)) => {
                    m.chosen = Some(crate::dispute::ChosenAt { at, load });
                }
                _ => kept.push(c),
            }
        }
        d.explanation.candidates = kept;
        d
    }

    /// Puts back the `chosen` candidates a recorded decision keeps in its team, where they
    /// stood (see [`Decision::recorded`]); a decision recorded whole is left as it is.
    pub fn restore_chosen(&mut self) {
        let mut back: Vec<(u32, team::Candidate)> = self
            .team
            .iter_mut()
            .filter_map(|m| {
                let c = m.chosen.take()?;
                Some((
                    c.at,
                    team::Candidate {
                        role: m.role,
                        staff: m.staff.clone(),
                        unit: m.unit,
                        verdict: team::Verdict::Chosen { load: c.load },
                    },
                ))
            })
            .collect();
        back.sort_by_key(|(at, _)| *at);
        for (at, c) in back {
            let at = (at as usize).min(self.explanation.candidates.len());
            self.explanation.candidates.insert(at, c);
        }
    }
}

/// Why a decision came out as it did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Explanation {
    /// The matched rules in evaluation order, with their descriptions and sources. Not
    /// recorded in a case's `route` event (the rule set version it names, kept in the
    /// journal, holds the text): rebuilt from it on every read ([`RuleSet::notes`]), so the
    /// trace carries each rule's text once per rule set instead of once per case. Written
    /// even when empty, so a trace recorded before (whose events list the notes, or list
    /// none as `[]`) hashes as it did.
    #[serde(default)]
    pub rules: Vec<RuleNote>,
    /// Under `first`: the rule that decided.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub winner: Option<String>,
    /// How the handling unit was found (cross-region, level adjustments …).
    pub notes: Vec<String>,
    /// Every person considered for the team, with the verdict.
    pub candidates: Vec<Candidate>,
}

/// One matched rule in an explanation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RuleNote {
    /// Rule id.
    pub id: String,
    /// Its description.
    pub description: String,
    /// Its legal or practical source.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source: String,
}

impl RuleNote {
    /// The note of `rule`: its id, description and source.
    pub fn of(rule: &Rule) -> RuleNote {
        RuleNote {
            id: rule.id.clone(),
            description: rule.description.clone(),
            source: rule.source.clone(),
        }
    }
}

impl RuleSet {
    /// The notes of the rules `ids` names, in that order (an id the set does not have is
    /// left out): how a recorded decision's explanation is rebuilt from the rule set
    /// version it names.
    pub fn notes(&self, ids: &[String]) -> Vec<RuleNote> {
        ids.iter()
            .filter_map(|id| self.rules.iter().find(|r| &r.id == id))
            .map(RuleNote::of)
            .collect()
    }
}

/// A compiled rule set. Build once (validation plus indexing), decide many times.
#[derive(Debug, Clone)]
pub struct Router {
    set: RuleSet,
    /// Rule indices in evaluation order (priority descending, then file order).
    order: Vec<usize>,
    index: Index,
    warnings: Vec<Diagnostic>,
    outcomes: outcomes::Outcomes,
}

impl Router {
    /// Validates `set` against `schema` (if given) and compiles it. A rule set with errors
    /// is refused with all its diagnostics; warnings are kept ([`Router::warnings`]).
    pub fn new(set: RuleSet, schema: Option<&Schema>) -> Result<Router, Diagnostics> {
        let diags = validate(&set, schema);
        if diags.has_errors() {
            return Err(diags);
        }
        Ok(Router::compile_unchecked(set, diags.items))
    }

    /// Compiles without validating (the validator itself uses this to probe coverage).
    pub(crate) fn compile_unchecked(set: RuleSet, warnings: Vec<Diagnostic>) -> Router {
        let mut order: Vec<usize> = (0..set.rules.len()).collect();
        if set.hit_policy == HitPolicy::First {
            order.sort_by_key(|&i| std::cmp::Reverse(set.rules[i].priority));
        }
        let index = Index::build(order.iter().map(|&i| &set.rules[i].when));
        let outcomes = outcomes::Outcomes::new(&set);
        Router {
            set,
            order,
            index,
            warnings,
            outcomes,
        }
    }

    /// The shipped default rule set, compiled.
    pub fn default_rules() -> Router {
        let set = RuleSet::from_json(DEFAULT_RULES_JSON).expect("shipped rules parse");
        Router::new(set, None).expect("shipped rules validate")
    }

    /// The rule set.
    pub fn rule_set(&self) -> &RuleSet {
        &self.set
    }

    /// Warnings from validation.
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }

    /// Indices (into `rule_set().rules`) of the matching rules, in evaluation order, via the
    /// compiled index. Under `first` at most one.
    pub fn matching(&self, f: &Facts, units: &dyn UnitLookup) -> Matched {
        let first = self.set.hit_policy == HitPolicy::First;
        let mut out = Matched::default();
        self.index.matches(
            f,
            |k| &self.set.rules[self.order[k]].when,
            units,
            |k| {
                out.push(self.order[k]);
                !first
            },
        );
        out
    }

    /// The same as [`Router::matching`], by evaluating every rule in order: the reference
    /// the compiled index is tested against.
    pub fn matching_reference(&self, f: &Facts, units: &dyn UnitLookup) -> Matched {
        let mut out = Matched::default();
        for &i in &self.order {
            if eval(&self.set.rules[i].when, f, units) {
                out.push(i);
                if self.set.hit_policy == HitPolicy::First {
                    break;
                }
            }
        }
        out
    }

    /// The combined outcome of the matched rules under the hit policy, defaults filled in.
    ///
    /// Shared, not built per call: each set of matched rules is merged once per compiled
    /// rule set and kept (up to a bound), since a caseload matches few distinct sets.
    /// Panics when an index is not one of the rule set's rules: pass what
    /// [`Router::matching`] gives.
    ///
    /// ```
    /// use fengqiao::routing::{Facts, NoUnits, Router};
    /// # let input: fengqiao::dispute::DisputeInput = serde_json::from_str(include_str!("../../../examples/data/dispute.json"))?;
    /// let router = Router::default_rules();
    /// let facts = Facts::of(&input, None, fengqiao::hierarchy::Level::Household);
    /// let matched = router.matching(&facts, &NoUnits);
    /// let outcome = router.outcome(&matched);
    /// assert!(outcome.level.is_some()); // the defaults fill what no rule set
    /// assert!(std::sync::Arc::ptr_eq(&outcome, &router.outcome(&matched)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn outcome(&self, matched: &[usize]) -> Arc<Outcome> {
        self.outcomes.of(&self.set, matched)
    }

    /// The limits of a decision, phase by phase: the matched rules' own, else the most
    /// specific limit standard's (by category, subtype and the departments joined), else
    /// the defaults'. Without standards this is the outcome's deadlines. A phase a standard
    /// decided is named in `notes` with its row and source, so the explanation says where
    /// every limit came from.
    fn deadlines(
        &self,
        matched: &[usize],
        d: &DisputeInput,
        kinds: &[AgencyKind],
        notes: &mut Vec<String>,
    ) -> Deadlines {
        let t = &self.set.time_limits;
        let defaults = self.set.defaults.deadlines.unwrap_or_default();
        let rules = match self.set.hit_policy {
            HitPolicy::First => matched
                .first()
                .and_then(|&i| self.set.rules[i].then.deadlines),
            HitPolicy::Collect => matched
                .iter()
                .filter_map(|&i| self.set.rules[i].then.deadlines)
                .reduce(Deadlines::merge),
        }
        .unwrap_or_default();
        if t.standards.is_empty() {
            return rules.or(defaults);
        }
        let (standard, rows) = t.standard_rows(d.category, d.subtype.as_deref(), kinds);
        let phases = [
            ("accept", rules.accept, standard.accept),
            ("handle", rules.handle, standard.handle),
            ("verify", rules.verify, standard.verify),
        ];
        for ((name, own, from_standard), rows) in phases.into_iter().zip(rows) {
            if let (None, Some(l)) = (own, from_standard) {
                let named: Vec<String> = rows
                    .iter()
                    .map(|&i| match t.standards[i].source.as_str() {
                        "" => format!("time_limits.standards[{i}]"),
                        src => format!("time_limits.standards[{i}] ({src})"),
                    })
                    .collect();
                notes.push(format!(
                    "{name} limit {}/{} working days from {}",
                    l.yellow,
                    l.red,
                    named.join(" and ")
                ));
            }
        }
        rules.or(standard).or(defaults)
    }

    /// Routes a dispute in a world: the decision with its explanation. Reads only.
    pub fn decide(&self, d: &DisputeInput, world: &World) -> Result<Decision, RoutingError> {
        let h = world.hierarchy;
        let location = h
            .node(d.location)
            .map_err(|_| RoutingError::UnknownLocation(d.location))?;
        let mut notes = Vec::new();

        // Parties' units: households of persons, named households, organisations' units.
        let mut parties = PartySet::default();
        let mut nodes = vec![location];
        for p in &d.parties {
            let unit = match p {
                Party::Person(id) => {
                    parties.persons.insert(id.clone());
                    world.people.get(id).map(|x| x.household)
                }
                Party::Household(code) => Some(*code),
                Party::Organisation { unit, .. } => *unit,
            };
            if let Some(u) = unit {
                if let Ok(n) = h.node(u) {
                    if matches!(p, Party::Person(_) | Party::Household(_)) {
                        parties.households.insert(h.unit_at(n).code);
                    }
                    nodes.push(n);
                }
            }
        }
        let deciding = h.lca_nodes(&nodes).unwrap_or(location);
        let deciding_unit = h.unit_at(deciding);
        let distinct: HashSet<_> = nodes.iter().collect();
        if distinct.len() > 1 && deciding != location {
            notes.push(format!(
                "the parties live in {} different units; decided where they meet: {} ({}, {})",
                distinct.len(),
                deciding_unit.code,
                deciding_unit.name,
                deciding_unit.level().label_zh()
            ));
        }

        let facts = Facts::of(
            d,
            Some(crate::hierarchy::UnitRef(location)),
            deciding_unit.level(),
        );
        let matched = self.matching(&facts, h);
        let outcome = self.outcome(&matched);
        let level = outcome
            .level
            .ok_or_else(|| RoutingError::NoDecision(self.set.label()))?;

        // The handling unit: the ancestor at the rule's level, unless the parties already
        // meet higher up (a cross-community dispute cannot be handled by one community).
        let handling = if deciding_unit.level() <= level {
            if deciding_unit.level() < level {
                notes.push(format!(
                    "the rules ask for the {} level, but the parties meet higher, at {}: handled there",
                    level.label_en(),
                    deciding_unit.level().label_en()
                ));
            }
            deciding
        } else {
            match h.ancestor_at_level(deciding, level) {
                Some(n) => n,
                None => {
                    notes.push(format!(
                        "no unit at the {} level above {}: handled at the deciding unit",
                        level.label_en(),
                        deciding_unit.code
                    ));
                    deciding
                }
            }
        };
        let handling_unit = h.unit_at(handling);

        let slots = outcome.team.as_deref().unwrap_or_default();
        let (team, candidates, unfilled) = assemble(world, location, slots, &parties);

        let mut kinds = outcome.agencies.clone().unwrap_or_default();
        if outcome.sector_department == Some(true) {
            match self.set.vocabulary.sectors.get(&d.category) {
                Some(k) if !kinds.contains(k) => kinds.push(*k),
                Some(_) => {}
                None => notes.push(format!(
                    "no sector department (+N) is mapped for category {}",
                    d.category.as_str()
                )),
            }
        }
        let agencies = join_agencies(world, handling, &kinds);
        let deadlines = self.deadlines(&matched, d, &kinds, &mut notes);

        let rules = matched
            .iter()
            .map(|&i| RuleNote::of(&self.set.rules[i]))
            .collect::<Vec<_>>();
        let winner = match self.set.hit_policy {
            HitPolicy::First => rules.first().map(|r| r.id.clone()),
            HitPolicy::Collect => None,
        };
        if matched.is_empty() {
            notes.push("no rule matched: the rule set's defaults decided".into());
        }
        Ok(Decision {
            rule_set: self.set.label(),
            policy: self.set.hit_policy,
            matched: rules.iter().map(|r| r.id.clone()).collect(),
            deciding_unit: deciding_unit.code,
            level: handling_unit.level(),
            unit: handling_unit.code,
            team,
            unfilled,
            agencies,
            deadlines,
            escalation: outcome.escalation.clone(),
            offer_confirmation: outcome.offer_confirmation.unwrap_or(false),
            supervision: outcome.supervision,
            explanation: Explanation {
                rules,
                winner,
                notes,
                candidates,
            },
            legal_windows: Vec::new(),
        })
    }
}

#[cfg(test)]
mod tests;
