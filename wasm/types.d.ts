// The JSON shapes of the fengqiao serde model, as TypeScript. The same shapes cross the C
// ABI as JSON text. See data-model.md (shipped in the npm package; docs/data-model.md in
// the repository) and the package README's worked world document.

/** Digits of a division code: 12 (national) or longer (grid, household group, household). */
export type DivisionCode = string;
/** RFC 3339 instant (UTC). */
export type Instant = string;
/** YYYY-MM-DD (China time). */
export type DateString = string;

export type Level = "province" | "prefecture" | "county" | "street" | "community" | "grid" | "household_group" | "household";
export type UnitKind = "province" | "prefecture" | "county" | "street" | "town" | "township" | "special_area" | "community" | "village" | "grid" | "household_group" | "household";
export interface Unit { code: DivisionCode; kind: UnitKind; name?: string; retired?: boolean }
export interface CodeScheme { grid_digits: number; group_digits: number; household_digits: number }
export interface HierarchyData { scheme?: CodeScheme; units: Unit[]; aliases?: [DivisionCode, DivisionCode][] }

export interface Person { id: string; name: string; id_number?: string; phone?: string; household: DivisionCode; key_person?: string }
export type Role = "grid_worker" | "household_head" | "mediator" | "legal_literate" | "legal_counsel" | "village_cadre" | "centre_staff";
export interface Staff { id: string; name: string; role: Role; unit: DivisionCode; covers?: DivisionCode[]; available?: boolean; active_cases?: number; person?: string }
export type AgencyKind = "governance_centre" | "police" | "justice" | "court" | "labour" | "education" | "housing" | "land" | "petitions" | "health" | "transport" | "environment" | "market" | "civil_affairs" | "womens_federation" | "other_department";
export interface Agency { id: string; name: string; kind: AgencyKind; unit: DivisionCode }

export interface Holiday { name: string; off: [DateString, DateString]; work?: DateString[] }
export interface YearNotice { year: number; source?: string; holidays: Holiday[] }
/** Who sees identity numbers and phones whole (part of the world). */
export interface Privacy { roles: Role[]; agencies: AgencyKind[] }
export interface WorldData { hierarchy: HierarchyData; people?: Person[]; staff?: Staff[]; agencies?: Agency[]; rules?: RuleSet; calendar_years?: YearNotice[]; local_calendars?: LocalCalendar[]; privacy?: Privacy; sealed_people?: SealedPerson[]; erased?: string[] }
/** A resident whose name, identity number, phone and key-person note are sealed (`fq-sealed/1:…`). */
export interface SealedPerson { id: string; household: DivisionCode; sealed: string }
/** A unit's own days off and working days over the national calendar (特色日历). */
export interface LocalDay { date: DateString; name?: string }
export interface LocalCalendar { unit: DivisionCode; source?: string; days_off?: LocalDay[]; working_days?: LocalDay[] }
/** A resident as an actor may see them: identifiers masked unless privacy allows. */
export interface PersonView { id: string; name: string; id_number?: string; phone?: string; household: DivisionCode; key_person?: string }
/** A refused request, as the access log keeps it. */
export interface Denial { at: Instant; actor: Actor; action: string; target: string }
/** One entry of the audit record (安全审计): refusals, failures, whole reads, erasures. */
export interface AuditEntry { at: Instant; actor: Actor; action: string; outcome: "denied" | "refused" | "failed" | "read_whole" | "erased"; target: string; code?: string; detail?: string }

export type Category = "marriage_family" | "neighbour" | "housing_homestead" | "contract" | "business" | "damages" | "forest_land" | "expropriation" | "environment" | "labour" | "consumer" | "medical" | "traffic" | "property_management" | "education" | "other";
export type Channel = "household_visit" | "neighbour_talk" | "relatives_feedback" | "walk_in" | "hotline" | "app" | "assigned_from_above" | "referred_by_court" | "referred_by_police";
export type Urgency = "low" | "medium" | "high";
export type RiskColour = "blue" | "yellow" | "orange" | "red";
export type GroupSize = "under_50" | "50_to_100" | "100_to_500" | "over_500";
export type Flag = "violence_risk" | "minors" | "key_person" | "cross_region" | "multi_department" | "historic" | "major";
export type Party = { person: string } | { household: DivisionCode } | { organisation: { name: string; unit?: DivisionCode } };
export interface DisputeInput {
  category: Category; subtype?: string; channel: Channel; parties: Party[]; headcount?: number;
  location: DivisionCode; urgency: Urgency; risk: RiskColour; amount_yuan?: number; flags?: Flag[];
  description?: string; discovered_at: Instant; assigned_by?: DivisionCode;
}

/** Who acts: a staff member, an agency, or the platform. */
export type Actor = { staff: string } | { agency: string } | "system";

// ---- rules
export type HitPolicy = "first" | "collect";
export interface Range { min?: number; max?: number }
export type Condition =
  | "always"
  | { all: Condition[] } | { any: Condition[] } | { not: Condition }
  | { category_in: Category[] } | { subtype_in: string[] } | { channel_in: Channel[] }
  | { urgency_at_least: Urgency } | { urgency_in: Urgency[] }
  | { risk_at_least: RiskColour } | { risk_in: RiskColour[] }
  | { people: Range } | { group_size_in: GroupSize[] } | { amount_yuan: Range }
  | { flags_all: Flag[] } | { flags_any: Flag[] } | { within: DivisionCode } | { level_in: Level[] };
export type Grade = "ordinary" | "yellow_card" | "red_card";
export type EscalateWhen = "immediately" | "yellow" | "red";
/** A practice time limit in **working days** (official holidays and 调休 counted, on the handling
 *  unit's calendar): past `yellow` a case is yellow (预警), past `red` it is overdue (超期).
 *  Legal windows are natural days and are separate (`LegalWindow`). */
export interface Limit { yellow: number; red: number }
export interface Deadlines { accept?: Limit; handle?: Limit; verify?: Limit }
/** `next`: the level above the handling unit (报上级综治中心). */
export interface Escalation { to: Level | "next"; cc?: AgencyKind[]; when: EscalateWhen }
export interface TeamSlot { role: Role; from?: Level[] }
export interface Outcome {
  level?: Level; team?: TeamSlot[]; agencies?: AgencyKind[]; sector_department?: boolean;
  deadlines?: Deadlines; escalation?: Escalation; offer_confirmation?: boolean; supervision?: Grade;
}
export interface Rule { id: string; description?: string; source?: string; priority?: number; when?: Condition; then?: Outcome }
/** A legal period: natural days (a number) or months (民法典 art. 200–204). */
export type LegalPeriod = number | { months: number } | { days: number };
export interface LegalWindows { mediation: LegalPeriod; labour_mediation: LegalPeriod; confirmation_apply: LegalPeriod; court_accept: LegalPeriod; court_decide: LegalPeriod; court_extension: LegalPeriod; court_referral?: LegalPeriod }
export interface RuleSet {
  id: string; version: string; description?: string; hit_policy: HitPolicy;
  vocabulary?: { subtypes?: Partial<Record<Category, string[]>>; sectors?: Partial<Record<Category, AgencyKind>> };
  defaults?: Outcome; windows?: LegalWindows; time_limits?: TimeLimits; rules: Rule[];
}
/** One row of the limit standards (时限标准); every key omitted: the default row. */
export interface LimitStandard { department?: AgencyKind; category?: Category; subtype?: string; deadlines: Deadlines; source?: string }
export interface AssessmentWeights { base?: number; yellow_card?: number; red_card?: number; overdue?: number; extension?: number }
export interface TimeLimits { warning_percent?: number; max_extension_days?: number; standards?: LimitStandard[]; assessment?: AssessmentWeights }
export type DiagnosticCode = "parse" | "duplicate_rule_id" | "empty_rule_id" | "empty_set" | "empty_range" | "unsatisfiable" | "unknown_subtype" | "unknown_unit" | "bad_level" | "no_level" | "limit_order" | "escalation_down" | "role_missing" | "uncovered" | "shadowed" | "agency_missing" | "sector_unmapped" | "undocumented" | "limit_overlap" | "limit_gap" | "bad_time_limits";
export interface Diagnostic { severity: "error" | "warning"; code: DiagnosticCode; rule?: string; path: string; message: string }
/** Where a value lies in a rule set's text: bytes, and the 1-based line and column (characters). */
export interface Span { start: number; end: number; line: number; column: number }
/** A diagnostic and where it lies in the text it came from. */
export interface Located { diagnostic: Diagnostic; at?: Span }

// ---- decisions
export interface TeamMember { role: Role; staff: string; unit: DivisionCode }
export type Verdict = { verdict: "chosen"; load: number } | { verdict: "more_loaded"; load: number } | { verdict: "unavailable" } | { verdict: "recused"; reason: string };
export type Candidate = { role: Role; staff: string; unit: DivisionCode } & Verdict;
export interface Unfilled { role: Role; reason: string }
export interface JoinedAgency { kind: AgencyKind; agency?: string }
export interface RuleNote { id: string; description: string; source?: string }
/** Why a decision came out as it did. `rules` are rebuilt on every read from the rule set version the
 *  decision names; a `route` event in a trace carries only the matched ids (`Decision.matched`). */
export interface Explanation { rules?: RuleNote[]; winner?: string; notes: string[]; candidates: Candidate[] }
/** What routing decided. Three places: `deciding_unit`, where the parties' units meet (the
 *  dispute's own unit for one household); `level`, the level the rules send the case to; `unit`,
 *  the unit at that level that handles it (the deciding unit's ancestor at `level`, or itself). */
export interface Decision {
  rule_set: string; policy: HitPolicy; matched: string[]; deciding_unit: DivisionCode; level: Level; unit: DivisionCode;
  team: TeamMember[]; unfilled?: Unfilled[]; agencies?: JoinedAgency[]; deadlines: Deadlines; escalation?: Escalation;
  offer_confirmation: boolean; supervision?: Grade; explanation: Explanation;
  /** The legal windows running once routed (returned by `route`, not kept in the trace). */
  legal_windows?: LegalWindow[];
}

// ---- lifecycle
export type State = "registered" | "accepted" | "mediating" | "resolved" | "stabilised" | "terminated" | "referred" | "closed";
export type Method = "face_to_face" | "bench_meeting" | "courtyard_meeting" | "home_visit" | "remote" | "joint";
export type OtherRoute = "arbitration" | "administrative" | "litigation";
export type ReferralTarget = "court" | "labour_arbitration" | "police" | "department";
export interface Agreement {
  form: "written" | "oral"; effective_on: DateString; terms: string; amount_yuan?: number;
  parties_signed?: boolean; mediator_signed?: boolean; committee_sealed?: boolean;
  /** A matter the court does not confirm (民诉法解释 art. 355). */
  excluded?: "personal_status" | "special_procedure" | "property_ownership" | "ip_ownership";
}
export interface Confirmation {
  status: "applied" | "granted" | "refused"; applied_on: DateString; applicants?: Party[];
  accepted_on?: DateString; extended?: boolean; decided_on?: DateString; reason?: string;
}
export interface PreviousResult {
  state: State; accepted_at?: Instant; result_at?: Instant; agreement?: Agreement; confirmation?: Confirmation; verified?: boolean;
}
export type Operation =
  | { op: "register"; code: string; input: DisputeInput }
  | { op: "route"; decision: Decision }
  | { op: "accept"; note?: string }
  | { op: "assign_down"; to: DivisionCode; note?: string }
  | { op: "report_up"; to: DivisionCode; reason?: string; cc?: string[] }
  | { op: "record_session"; method: Method; summary?: string; parties_consent: boolean }
  | { op: "resolve"; agreement: Agreement }
  | { op: "stabilise"; plan: string; next_review: DateString }
  | { op: "terminate"; reason: string; routes: OtherRoute[] }
  | { op: "refer"; to: ReferralTarget; note?: string }
  | { op: "apply_confirmation"; applied_on: DateString; applicants: Party[] }
  | { op: "accept_confirmation"; accepted_on: DateString }
  | { op: "extend_confirmation"; approved_on: DateString; reason: string }
  | { op: "grant_confirmation"; decided_on: DateString }
  | { op: "refuse_confirmation"; decided_on: DateString; reason: string }
  | { op: "feedback"; summary: string }
  | { op: "verify"; satisfied: boolean; note?: string }
  | { op: "close"; summary?: string }
  | { op: "return"; reason: string }
  | { op: "reopen"; reason: string }
  | { op: "supervise"; grade: Grade; note?: string }
  | { op: "expedite"; note?: string }
  | { op: "mark_historic"; note?: string }
  | { op: "reassess"; urgency?: Urgency; risk?: RiskColour; add_flags?: Flag[]; remove_flags?: Flag[]; reason: string }
  | { op: "suspend"; reason: PauseReason; note?: string }
  | { op: "resume"; note?: string }
  | { op: "request_extension"; days: number; reason: string }
  | { op: "decide_extension"; approved: boolean; days?: number; note?: string };
export type PauseReason = "waiting_for_party" | "appraisal" | "other_body" | "other";
export interface Pause { phase: Phase; reason: PauseReason; since: Instant; until?: Instant }
export interface Extension {
  phase: Phase; requested_at: Instant; days: number; reason: string;
  status: "pending" | "approved" | "refused" | "lapsed"; granted: number; decided_at?: Instant;
}
export interface Dispute {
  code: string; input: DisputeInput; registered_at: Instant; state: State; handling_unit: DivisionCode;
  routing?: Decision; assigned_by?: DivisionCode; feedback_given: boolean; accepted_at?: Instant; sessions: number;
  agreement?: Agreement; confirmation?: Confirmation; watch?: [string, DateString]; routes_given?: OtherRoute[];
  referred_to?: ReferralTarget; result_at?: Instant; verified?: boolean; closed_at?: Instant; supervision?: Grade;
  expedited: boolean; escalations: number; reopened: number; phase_since?: Instant; previous?: PreviousResult[];
  pauses?: Pause[]; extensions?: Extension[];
}
export interface PartyView { party: Party; name?: string; id_number?: string; phone?: string; key_person?: string }
export interface CaseView { dispute: Dispute; parties: PartyView[]; events: number; windows?: LegalWindow[] }
export interface TraceEvent { case: string; seq: number; at: Instant; actor: Actor; op: Operation; prev: string; hash: string }

// ---- deadlines, statistics, cadence, what-if
export type Standing = "on_time" | "warning" | "yellow" | "red";
export type Phase = "accept" | "handle" | "verify";
/** A legal window (natural days or months) and the article it implements: see `LegalWindow.source`. */
export type WindowKind = "mediation_month" | "labour_mediation" | "court_referral" | "confirmation_application" | "court_acceptance" | "court_decision";
/** A legal window running for a case, shown from its first day. `last_day` is after 民法典 art. 203; absent when its year
 *  is not in the calendar, then `last_day_bounds` gives the earliest and latest it can be. Natural days, never working days. */
export interface LegalWindow {
  window: WindowKind; source: string; period: number | { months: number } | { days: number }; started_on: DateString;
  last_day?: DateString; last_day_bounds?: [DateString, DateString]; limits_brought_forward: boolean;
}
export type LegalNotice = "mediation_month_passed" | "labour_arbitration_open" | "confirmation_window_closed" | "court_acceptance_overdue" | "court_decision_overdue" | "court_referral_period_passed" | "review_overdue";
export interface DeadlineStatus {
  case: string; phase?: Phase; warning_on?: DateString; yellow_on?: DateString; red_on?: DateString; standing: Standing;
  suspended_since?: DateString; extended_days?: number; legal?: LegalNotice[]; windows?: LegalWindow[]; warning?: string;
}
export interface Sweep { statuses: DeadlineStatus[]; escalated: [string, DivisionCode][] }
export type Period = "week" | "month" | "quarter" | "year";
export interface StatsQuery { within?: DivisionCode; from?: DateString; to?: DateString; by_level?: Level; by_category?: boolean; by_period?: Period }
export interface Counts {
  screened: number; accepted: number; mediated: number; succeeded: number; stabilised: number; escalated: number;
  referred: number; confirmed: number; early_warning: number; overdue_yellow: number; overdue_red: number; closed: number; joint: number;
  agreement_yuan: number; kept_in_community: number; kept_in_street: number; results: number; results_on_time: number;
}
export interface Rates { success: number; on_time: number; coverage: number; in_community: number; in_street: number }
export interface StatsRow { unit?: DivisionCode; unit_name?: string; category?: Category; period?: string; counts: Counts; rates: Rates }
export interface StatsReport { query: StatsQuery; as_of: Instant; rows: StatsRow[]; total: StatsRow; warnings?: string[] }
/** What to assess (考核): rows per unit at `level`, over `from..=to`. */
export interface AssessmentQuery { within?: DivisionCode; level?: Level; from: DateString; to: DateString; weights?: AssessmentWeights }
export interface AssessmentCounts {
  cases: number; yellow_cards: number; red_cards: number; overdue: number; extensions_requested: number;
  extensions_granted: number; extension_days: number; suspensions: number;
}
export interface AssessmentRow { unit: DivisionCode; unit_name: string; counts: AssessmentCounts; score: number }
export interface Assessment { query: AssessmentQuery; as_of: Instant; weights: AssessmentWeights; rows: AssessmentRow[]; total: AssessmentCounts }
export interface ZeroReport { date: DateString; disputes?: string[]; note?: string }
export interface MissingReport { unit: DivisionCode; staff: string; role: Role; streak: number }
export interface Ranked { case: string; score: number; reasons: string[] }
export interface WeekRow { unit?: DivisionCode; unit_name: string; new: number; resolved: number; stabilised: number; escalated: number; overdue: number; supervised: string[] }
export interface HistoricalDispute { id: string; input: DisputeInput; registered_at: Instant; result_at?: Instant }
export interface Outcomes {
  rule_set: string; routed: number; failed: number; levels: Partial<Record<Level, number>>; community_rate: number;
  street_rate: number; load: Record<string, number>; load_max: number; load_mean: number; load_fairness: number;
  with_agencies: number; joint: number; predicted_yellow: number; predicted_red: number; unfilled: number;
}
export interface Comparison { a: Outcomes; b: Outcomes; changed: { id: string; a: Decision; b: Decision }[] }

// ---- 国密: signed heads, personal data (see docs/security.md)
/** A signed head: a journal digest or a case's last hash, signed by the host's module. */
export interface SignedHead {
  subject: "journal" | "register" | { case: string }; seq: number; head: string; signed_at: Instant;
  algorithm: string; key_id: string; signature: string;
}
/** What verifying against signed heads established. */
export interface SignatureReport { end: number; heads: number; signed_to: number; unsigned: number }
/** The host's signer (its certified module; `algorithm` "SM2" for GB/T 32918). */
export interface HeadSigner { algorithm: string; keyId: string; sign(message: Uint8Array): Uint8Array }
/** The host's verifier: true when `signature` is `keyId`'s signature of `message`. */
export interface HeadVerifier { verify(algorithm: string, keyId: string, message: Uint8Array, signature: Uint8Array): boolean }
/** The host's protector for personal data: one key per subject (a resident's id, a case code). */
export interface Protector {
  algorithm: string;
  seal(subject: string, plain: Uint8Array): Uint8Array;
  open(subject: string, sealed: Uint8Array): Uint8Array;
  erase(subject: string): void;
}

// ---- durable state
/** Where the journal stands: keep the digest apart from the entries, or sign it. */
export interface JournalHead { seq: number; digest: string; origin: string }
/** A whole engine at one journal sequence number (see docs/persistence.md). */
export interface Snapshot {
  v: number; seq: number; digest: string; origin: string; world: WorldData; rule_sets?: RuleSet[];
  cases: TraceEvent[][]; reports?: [string, ZeroReport][]; denials?: Denial[]; audit?: AuditEntry[];
}

// BEGIN generated by xtask: error codes
/**
 * The stable codes of `FengqiaoError.code` (the C ABI's statuses by word; pointers and
 * handles do not exist here). Branch on these, never on message text:
 * - `invalid_input`: Malformed input: invalid JSON, an unknown field or value, an out-of-range time; the message names the argument, the value and what is allowed.
 * - `hierarchy`: A hierarchy or division-code problem.
 * - `identity`: An identity number or phone problem.
 * - `not_found`: A person, staff member, agency, unit or case that does not exist.
 * - `duplicate`: An id that already exists.
 * - `rule_set`: A rule set with errors (the details list every diagnostic).
 * - `routing`: A dispute that could not be routed.
 * - `lifecycle`: An operation the lifecycle refused (the details name the state, the operation and the refusal).
 * - `trace`: A trace that does not verify (the details locate the problem).
 * - `calendar`: A calendar problem (a year without a holiday notice, a contradictory local calendar).
 * - `denied`: Outside the actor's remit; the attempt was logged.
 * - `internal`: A bug in the library (a caught panic): report it.
 * - `invalid_utf8`: A string argument was not valid UTF-8.
 * - `journal`: A journal or snapshot that does not restore (the details name the entry: journal sequence, case, case sequence, problem).
 * - `conflict`: The case is not at the expected sequence number: another writer changed it first.
 * - `signature`: A signed head that does not verify, or a signer that failed.
 * - `protection`: Personal data that could not be sealed or opened.
 */
export type ErrorCode = "invalid_input" | "hierarchy" | "identity" | "not_found" | "duplicate" | "rule_set" | "routing" | "lifecycle" | "trace" | "calendar" | "denied" | "internal" | "invalid_utf8" | "journal" | "conflict" | "signature" | "protection";
// END generated by xtask: error codes
/** Every error thrown by the module. */
export interface FengqiaoError extends Error {
  name: "FengqiaoError";
  message: string;
  code: ErrorCode;
  details: unknown;
}
