// Uses the whole API of the WebAssembly module with strict types: CI compiles it with
// `tsc --noEmit --strict` against the generated declarations, so a type that does not
// match the module's real shapes fails the build.
import {
  Engine, version, traceVerify, defaultRules, debugPanic,
  type WorldData, type DisputeInput, type Decision, type Dispute, type Actor, type Operation,
  type RuleSet, type Diagnostic, type TraceEvent, type StatsReport, type Sweep, type CaseView,
  type MissingReport, type Ranked, type WeekRow, type Comparison, type HistoricalDispute, type FengqiaoError, type Unit, type Staff,
  type PersonView, type Privacy, type Denial, type DeadlineStatus, type Snapshot, type JournalHead,
  type SignedHead, type SignatureReport, type HeadSigner, type HeadVerifier, type Protector, type AuditEntry,
} from "../../target/wasm/node/fengqiao_wasm";

declare const world: WorldData;
declare const history: HistoricalDispute[];

const now: number = Date.UTC(2025, 8, 25, 1, 30);
const gridWorker: Actor = { staff: "gw-522301001001001" };
const mediator: Actor = { staff: "md-522301001001-1" };

const input: DisputeInput = {
  category: "labour",
  channel: "household_visit",
  parties: [{ person: "p0-0" }, { organisation: { name: "某建筑劳务公司" } }],
  headcount: 12,
  location: "5223010010010010101",
  urgency: "medium",
  risk: "yellow",
  amount_yuan: 36000,
  flags: ["violence_risk"],
  discovered_at: "2025-09-25T01:30:00Z",
};

export function tour(): void {
  const v: string = version();
  const engine: Engine = new Engine(world);
  const sample: Engine = Engine.sample();
  const sajin: Engine = Engine.sajinWorld(2023);
  const roots: Unit[] = sajin.roots();
  const kids: Unit[] = sajin.children(roots[0].code);
  const staff: Staff[] = sajin.staffAt(kids[0].code);
  const unit: Unit = engine.unit("522301001000");
  const w: WorldData = engine.world(gridWorker, now);
  const whole: WorldData = engine.worldExport();
  const people: PersonView[] = engine.residents(gridWorker, "5223010010010010101", now);
  const privacy: Privacy = { roles: ["mediator"], agencies: ["court"] };
  engine.setPrivacy(privacy);
  const denied: Denial[] = engine.denials();
  const signer: HeadSigner = { algorithm: "SM2", keyId: "k1", sign: (m: Uint8Array) => m.slice(0, 64) };
  const verifier: HeadVerifier = { verify: (_a: string, _k: string, _m: Uint8Array, s: Uint8Array) => s.length === 64 };
  const protector: Protector = {
    algorithm: "SM4-GCM",
    seal: (_s: string, b: Uint8Array) => b,
    open: (_s: string, b: Uint8Array) => b,
    erase: (_s: string) => undefined,
  };
  const opened: number = engine.setProtector(protector);
  engine.setSigner(signer);
  const signed: SignedHead = engine.signHead("journal", now);
  const signatureReport: SignatureReport = Engine.verifyHeads(world, engine.journal(0, 1000), [signed], verifier);
  engine.erasePersonal(mediator, "p0-0", now);
  const audit: AuditEntry[] = engine.auditRecord();
  void opened; void signatureReport; void audit;
  const rules: RuleSet = engine.rules();
  const diags: Diagnostic[] = engine.validateRules(defaultRules());
  const warnings: Diagnostic[] = engine.loadRules("system", rules, now);
  const code: string = engine.register(gridWorker, input, now);
  const preview: Decision = engine.decide(gridWorker, code, now);
  const preview2: Decision = engine.decideInput(input);
  const previewJson: Decision = JSON.parse(engine.decideInputJson(JSON.stringify(input))) as Decision;
  const previewBytes: Uint8Array = engine.decideInputJsonBytes(new TextEncoder().encode(JSON.stringify(input)));
  const decision: Decision = engine.route("system", code, now);
  const accept: Operation = { op: "accept" };
  const state: Dispute = engine.apply(mediator, code, accept, now);
  const view: CaseView = engine.viewCase(gridWorker, code, now);
  const codes: string[] = engine.caseCodes(gridWorker, now);
  const events: TraceEvent[] = engine.trace(gridWorker, code, now);
  const jsonl: string = engine.traceJsonl(gridWorker, code, now);
  engine.verify(code);
  const caseReport: SignatureReport = Engine.verifyCase(events, [engine.signHead(code, now)], verifier);
  const fromPhone: string = engine.register(gridWorker, { ...input, external: { system: "110", id: "c-1" }, idempotency_key: "k-1" }, now);
  const same: string = engine.caseByExternal(gridWorker, "110", "c-1", now);
  const crumbs: Unit[] = engine.unitPath("5223010010010010101");
  void caseReport; void fromPhone; void same; void crumbs;
  const replayed: Dispute = traceVerify(events);
  const replayed2: Dispute = traceVerify(jsonl);
  const statuses: DeadlineStatus[] = engine.deadlines(now);
  const sweep: Sweep = engine.sweep(now);
  const stats: StatsReport = engine.statistics({ staff: "cs-522301001000" }, { by_category: true, by_period: "month" }, now);
  engine.fileReport(gridWorker, { date: "2025-09-25" });
  const missing: MissingReport[] = engine.missingReports(gridWorker, "522301001001", "2025-09-25", now);
  const ranked: Ranked[] = engine.dailyAnalysis("system", "522301001000", now);
  const week: WeekRow[] = engine.weeklyDispatch("system", "522301001000", "community", "2025-09-25", now);
  const cmp: Comparison = engine.whatIf(history, rules, rules);
  const cmp2: Comparison = engine.whatIf(history.map((h) => JSON.stringify(h)).join("\n"), rules, rules);
  const fromBytes: Engine = Engine.fromJsonBytes(new TextEncoder().encode(JSON.stringify(world)));
  engine.moveUnit("522301001001003", "522301001002", "522301001002003");
  engine.retireUnit("522301001002003");
  engine.addUnit({ code: "522301001001003", kind: "grid", name: "第3网格" });
  engine.addPerson({ id: "new", name: "新居民", household: "5223010010010010101" });
  engine.addStaff({ id: "gw-new", name: "新网格员", role: "grid_worker", unit: "522301001001003" });
  engine.addAgency({ id: "x", name: "x", kind: "labour", unit: "522301000000" });
  engine.setAvailable("gw-new", false);
  const stored: string = engine.journal(0, 1000);
  const head: JournalHead = engine.journalHead();
  const snapshot: Snapshot = engine.snapshot();
  const restored: Engine = Engine.restore(world, stored);
  const fromSnapshot: Engine = Engine.restoreSnapshot(snapshot, engine.journal(snapshot.seq, 1000));
  const caseHead: string = restored.caseHead(code);
  const next: Dispute = engine.applyExpecting(mediator, code, { op: "expedite" }, 3, now);
  console.log(head.digest, caseHead, next, fromSnapshot);
  const level: string = decision.level;
  const team: string[] = decision.team.map((m) => `${m.role}:${m.staff}`);
  const chosen = decision.explanation.candidates.filter((c) => c.verdict === "chosen");
  const coverage: number = stats.total.rates.coverage;
  try {
    debugPanic();
  } catch (e) {
    const err = e as FengqiaoError;
    const c: "internal" | string = err.code;
    console.log(c, err.details);
  }
  console.log(v, sample, staff, unit, w, whole, people, denied, replayed2, statuses, cmp2, fromBytes, diags, warnings, preview, preview2, previewJson, previewBytes, state, view, codes, jsonl, replayed, sweep, missing, ranked, week, cmp, level, team, chosen, coverage);
  engine.free();
  sample.free();
  sajin.free();
}
