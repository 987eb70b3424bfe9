//! Transfers between systems (see [`crate::transfer`]): sending a case with its trace, and
//! taking one in.

use chrono::{DateTime, Utc};

use super::restore::Content;
use super::{Engine, EngineError};
use crate::dispute::CaseCode;
use crate::lifecycle::{self, Dispute, Operation, State};
use crate::signing::{SignedHead, Signer, Subject, Verifier};
use crate::trace::{Actor, Event};
use crate::transfer::{
    Endpoint, Intake, TransferCheck, TransferCodes, TransferDocument, TransferProblem,
    TransferReason, TransferSender, FORMAT,
};

impl Engine {
    /// 移交: sends a case to another system — the deployment of a level above, another
    /// body's platform, or (reason `result`) back to the system it came from. The case stays
    /// here in `transferred_out`, read-only, with where it went; the `transfer_out` event is
    /// in its trace and the journal. Returns the document to deliver, with the case head
    /// signed by `signer` when one is given.
    ///
    /// Refused (nothing changes) as [`Engine::apply`] refuses an operation: the actor's
    /// remit, the state (a closed case, one already sent), a destination this engine does
    /// not know, a result that does not go back where the case came from (`lifecycle`).
    /// When the signer fails after the transfer was recorded, the error is `signature` and
    /// the transfer stands: [`Engine::transfer_document`] signs the document again.
    ///
    /// ```
    /// use fengqiao::engine::{Engine, WorldData};
    /// use fengqiao::transfer::{Endpoint, TransferReason};
    /// # let world: WorldData = serde_json::from_str(include_str!("../../../examples/data/world-small.json"))?;
    /// # let mut street = Engine::from_world(world.clone())?;
    /// # let mut county = Engine::from_world(world)?;
    /// # let input = serde_json::from_value(serde_json::json!({"category": "neighbour", "channel": "walk_in",
    /// #   "parties": [{"person": "p0-0"}, {"person": "p1-0"}], "location": "5223010010010010101",
    /// #   "urgency": "low", "risk": "blue", "discovered_at": "2025-06-09T00:30:00Z", "description": "漏水"}))?;
    /// let now = "2025-06-09T01:00:00Z".parse()?;
    /// let centre = fengqiao::trace::Actor::Staff("cs-522301001000".into()); // the street's
    /// let code = street.register(&centre, input, now)?;
    /// let to = Endpoint { unit: "522301000000".parse()?, body: None }; // the county's
    /// let doc = street.transfer_out(&centre, &code, to, TransferReason::Escalation, "群体性苗头".into(), now, None)?;
    /// let county_centre = fengqiao::trace::Actor::Staff("cs-522301000000".into());
    /// let taken = county.intake(&county_centre, doc.clone(), None, now)?;
    /// // Its registration and the transfer, then the county's transfer_in.
    /// assert_eq!((taken.case, taken.added), (code.clone(), 3));
    /// // The same document twice changes nothing.
    /// assert_eq!(county.intake(&county_centre, doc, None, now)?.added, 0);
    /// assert_eq!(county.case(&code)?.events.len(), 3);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[allow(clippy::too_many_arguments)]
    pub fn transfer_out(
        &mut self,
        actor: &Actor,
        code: &CaseCode,
        to: Endpoint,
        reason: TransferReason,
        note: String,
        now: DateTime<Utc>,
        signer: Option<&dyn Signer>,
    ) -> Result<TransferDocument, EngineError> {
        let from = match (self.actor_unit(actor), actor) {
            (Some(unit), Actor::Agency(id)) => Endpoint {
                unit,
                body: self.agency(id).map(|a| a.kind.as_str().to_string()),
            },
            (Some(unit), _) => Endpoint { unit, body: None },
            (None, _) => Endpoint {
                unit: self.case(code)?.dispute.handling_unit,
                body: None,
            },
        };
        let op = Operation::TransferOut {
            from: Box::new(from),
            to: Box::new(to),
            reason,
            note,
        };
        if let Err(e) = self.apply_op(actor, code, op, now) {
            self.audit_error(actor, "transfer_out", code.as_str(), now, &e);
            return Err(e);
        }
        self.transfer_document(code, now, signer)
    }

    /// The document of a case this engine transferred out, again (a resend after a lost
    /// delivery: the receiver takes the same document in once), signed by `signer` at `now`
    /// when one is given. `not_found` for an unknown case; `lifecycle` when the case is not
    /// `transferred_out` here.
    pub fn transfer_document(
        &self,
        code: &CaseCode,
        now: DateTime<Utc>,
        signer: Option<&dyn Signer>,
    ) -> Result<TransferDocument, EngineError> {
        let case = self.case(code)?;
        if case.dispute.state != State::TransferredOut {
            return Err(not_a_transfer(
                case.dispute.state,
                "only a case transferred out of this engine has a transfer document",
            ));
        }
        self.transfer_document_at(code, case.events.len() as u64, now, signer)
    }

    /// The document of the transfer recorded at the case's event `seq`, as it was sent
    /// then: the trace up to that event. What a store writes to its outbox with the entries
    /// it appends (the case may have come back and moved on by the time they are stored).
    /// `not_found` for an unknown case; `lifecycle` when that event is not a `transfer_out`.
    ///
    /// ```
    /// # use fengqiao::engine::{Engine, WorldData};
    /// # use fengqiao::transfer::{Endpoint, TransferReason};
    /// # let world: WorldData = serde_json::from_str(include_str!("../../../examples/data/world-small.json"))?;
    /// # let mut street = Engine::from_world(world)?;
    /// # let input = serde_json::from_value(serde_json::json!({"category": "neighbour", "channel": "walk_in",
    /// #   "parties": [{"person": "p0-0"}, {"person": "p1-0"}], "location": "5223010010010010101",
    /// #   "urgency": "low", "risk": "blue", "discovered_at": "2025-06-09T00:30:00Z", "description": "漏水"}))?;
    /// # let now = "2025-06-09T01:00:00Z".parse()?;
    /// # let centre = fengqiao::trace::Actor::Staff("cs-522301001000".into());
    /// # let code = street.register(&centre, input, now)?;
    /// # let to = Endpoint { unit: "522301000000".parse()?, body: None };
    /// let sent = street.transfer_out(&centre, &code, to, TransferReason::Escalation, String::new(), now, None)?;
    /// assert_eq!(street.transfer_document_at(&code, 2, now, None)?, sent);
    /// // Event 1 is the registration, not a transfer.
    /// let e = street.transfer_document_at(&code, 1, now, None).unwrap_err();
    /// assert_eq!(e.code(), fengqiao::error::ErrorCode::Lifecycle);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn transfer_document_at(
        &self,
        code: &CaseCode,
        seq: u64,
        now: DateTime<Utc>,
        signer: Option<&dyn Signer>,
    ) -> Result<TransferDocument, EngineError> {
        let case = self.case(code)?;
        let events = &case.events[..(seq as usize).min(case.events.len())];
        let Some(
            last @ Event {
                op:
                    Operation::TransferOut {
                        from, to, reason, ..
                    },
                ..
            },
        ) = events.last().filter(|e| e.seq == seq)
        else {
            return Err(not_a_transfer(
                case.dispute.state,
                &format!("event {seq} of case {code} is not a transfer_out"),
            ));
        };
        let input = &case.dispute.input;
        let level = |unit| {
            let level = self
                .hierarchy
                .unit(unit)
                .map_or_else(|_| self.hierarchy.scheme().level_of(unit), |u| u.level());
            crate::gbt31000::level_code(level).code.to_string()
        };
        let event_type = crate::gbt31000::event_type(input.category, input.subtype.as_deref());
        let head = signer
            .map(|s| {
                SignedHead::sign(Subject::Case(code.clone()), last.seq, last.hash, now, s)
                    .map_err(EngineError::Signature)
            })
            .transpose()?;
        Ok(TransferDocument {
            format: FORMAT.to_string(),
            case: code.clone(),
            reason: *reason,
            from: TransferSender {
                end: (**from).clone(),
                origin: self.journal_origin(),
            },
            to: (**to).clone(),
            sent_at: last.at,
            external: input.external.as_deref().cloned(),
            codes: TransferCodes {
                event_type: event_type.code.to_string(),
                event_type_exact: event_type.exact,
                from_level: level(from.unit),
                to_level: level(to.unit),
            },
            events: events.to_vec(),
            head,
        })
    }

    /// 接收移交: takes in a case another system transferred, checking, before anything
    /// changes, that the document is of this form ([`crate::transfer::FORMAT`]), that its
    /// chain verifies (`trace`), that its head is signed by a key `verifier` trusts when
    /// one is given (`signature`; a document without a head is refused as `unsigned`), that
    /// the units it names are in this engine's hierarchy (`not_found`), and that the case
    /// is not here with another history (`duplicate`). The case continues its chain here:
    /// the document's events, then this engine's `transfer_in`, all in the journal, so its
    /// history verifies end to end.
    ///
    /// A case that left this engine comes back (a result, 反馈) when the document continues
    /// its trace; it must have come straight back — a case that went on to a third system
    /// since is refused (`elsewhere`): its result goes back through that system. The same
    /// document twice returns the case with `added: 0` and changes nothing.
    pub fn intake(
        &mut self,
        actor: &Actor,
        doc: TransferDocument,
        verifier: Option<&dyn Verifier>,
        now: DateTime<Utc>,
    ) -> Result<Intake, EngineError> {
        let target = doc.case.to_string();
        self.intake_checked(actor, doc, verifier, now)
            .inspect_err(|e| self.audit_error(actor, "transfer_in", &target, now, e))
    }

    fn intake_checked(
        &mut self,
        actor: &Actor,
        doc: TransferDocument,
        verifier: Option<&dyn Verifier>,
        now: DateTime<Utc>,
    ) -> Result<Intake, EngineError> {
        let kind = self.actor_kind(actor)?;
        if !lifecycle::permitted(lifecycle::OperationKind::TransferIn, kind) {
            return Err(EngineError::Lifecycle(lifecycle::LifecycleError {
                refusal: lifecycle::Refusal::NotPermitted,
                operation: lifecycle::OperationKind::TransferIn,
                state: State::TransferredOut,
                message: format!("{kind} may not take in transfers: a centre does"),
            }));
        }
        doc.check(verifier)?;
        let Operation::Register { input, .. } = &doc.events[0].op else {
            unreachable!("checked by check_document")
        };
        self.hierarchy.unit(input.location)?;
        self.hierarchy.unit(doc.to.unit)?;
        self.authorize_unit(actor, doc.to.unit, "transfer_in", now)?;
        let last = doc.events.last().expect("checked by check_document");
        if now < last.at {
            return Err(EngineError::TimeGoesBack {
                case: doc.case.clone(),
                last: last.at,
                now,
            });
        }
        let n = doc.events.len();
        // What is new to this engine: the whole trace, or what follows its own head.
        let (start, dispute) = match self.cases.get(&doc.case) {
            Some(c) if c.events.len() >= n && c.events[n - 1].hash == last.hash => {
                return Ok(Intake {
                    case: doc.case,
                    added: 0,
                    reason: doc.reason,
                });
            }
            Some(c)
                if c.dispute.state == State::TransferredOut
                    && c.events.len() < n
                    && doc.events[c.events.len() - 1].hash == c.head() =>
            {
                let at = c.events.last().expect("a case has its registration").at;
                let d = check_history(&doc, c.dispute.clone(), &doc.events[c.events.len()..], at)?;
                // It came straight back when the path it took from here is one hop long
                // again: the result returns to the unit that sent it from here.
                let sent_from = match &c.events.last().expect("a case has its registration").op {
                    Operation::TransferOut { from, .. } => Some(&**from),
                    _ => None,
                };
                let back = doc.reason == TransferReason::Result
                    && Some(&doc.to) == sent_from
                    && d.came_from.len() == c.dispute.came_from.len() + 1
                    && d.came_from.last() == sent_from;
                if !back {
                    return Err(refused(
                        &doc,
                        TransferProblem::Elsewhere,
                        "the document does not return the case here: since it left, it went on to another system, whose result comes back through it first",
                    ));
                }
                (c.events.len(), d)
            }
            Some(_) => {
                return Err(refused(
                    &doc,
                    TransferProblem::Present,
                    "a case with this code is here with another history",
                ))
            }
            None if doc.reason == TransferReason::Result => {
                return Err(refused(
                    &doc,
                    TransferProblem::NotSentHere,
                    "a result for a case this engine never sent",
                ))
            }
            None => {
                let first = &doc.events[0];
                let Operation::Register { code, input } = &first.op else {
                    unreachable!("checked by check_document")
                };
                let d = lifecycle::register(code.clone(), input.clone(), first.at);
                (0, check_history(&doc, d, &doc.events[1..], first.at)?)
            }
        };
        debug_assert_eq!(dispute.state, State::TransferredOut);
        // Checked: from here nothing fails. The events as the sender recorded them, then ours.
        let reason = doc.reason;
        let code = doc.case.clone();
        let from = doc.from.end.clone();
        let at = doc.to.clone();
        let before = self.cases.get(&code).map_or(0, |c| c.events.len());
        for ev in doc.events.into_iter().skip(start) {
            self.replay_event(ev, Content::Matches)
                .expect("checked by check_history");
        }
        self.append(
            &code,
            actor,
            Operation::TransferIn {
                from: Box::new(from),
                at: Box::new(at),
                reason,
            },
            now,
        );
        let added = (self.cases[&code].events.len() - before) as u64;
        Ok(Intake {
            case: code,
            added,
            reason,
        })
    }
}

fn not_a_transfer(state: State, message: &str) -> EngineError {
    EngineError::Lifecycle(lifecycle::LifecycleError {
        refusal: lifecycle::Refusal::WrongState,
        operation: lifecycle::OperationKind::TransferOut,
        state,
        message: message.into(),
    })
}

impl TransferDocument {
    /// Checks what can be checked without an engine — the form, that the events begin with
    /// the case's registration and end in the transfer the document describes, the SM3
    /// chain, and the head: signed by a key `verifier` trusts when one is given (required
    /// then), else at least naming the last event. What [`Engine::intake`] checks first;
    /// the CLI's `fengqiao transfer` and every binding's `transfer_check` show it.
    ///
    /// ```
    /// # use fengqiao::engine::{Engine, WorldData};
    /// # use fengqiao::transfer::{Endpoint, TransferReason};
    /// # let world: WorldData = serde_json::from_str(include_str!("../../../examples/data/world-small.json"))?;
    /// # let mut street = Engine::from_world(world)?;
    /// # let input = serde_json::from_value(serde_json::json!({"category": "neighbour", "channel": "walk_in",
    /// #   "parties": [{"person": "p0-0"}, {"person": "p1-0"}], "location": "5223010010010010101",
    /// #   "urgency": "low", "risk": "blue", "discovered_at": "2025-06-09T00:30:00Z", "description": "漏水"}))?;
    /// # let now = "2025-06-09T01:00:00Z".parse()?;
    /// # let centre = fengqiao::trace::Actor::Staff("cs-522301001000".into());
    /// # let code = street.register(&centre, input, now)?;
    /// # let to = Endpoint { unit: "522301000000".parse()?, body: None };
    /// let mut doc = street.transfer_out(&centre, &code, to, TransferReason::Escalation, String::new(), now, None)?;
    /// assert_eq!(doc.check(None)?.events, 2);
    /// doc.events[0].at = "2025-06-09T00:59:00Z".parse()?; // rewritten on the way
    /// assert_eq!(doc.check(None).unwrap_err().code(), fengqiao::error::ErrorCode::Trace);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn check(&self, verifier: Option<&dyn Verifier>) -> Result<TransferCheck, EngineError> {
        check_document(self)?;
        check_head(self, verifier)?;
        Ok(TransferCheck {
            case: self.case.clone(),
            reason: self.reason,
            from: self.from.end.clone(),
            to: self.to.clone(),
            sent_at: self.sent_at,
            events: self.events.len() as u64,
            signed_by: self.head.as_ref().map(|h| h.key_id.clone()),
            signature_checked: verifier.is_some() && self.head.is_some(),
        })
    }
}

/// The head against the document's last event: signed by a trusted key when `verifier` is
/// given (required then), and at least naming that event when it is not.
fn check_head(doc: &TransferDocument, verifier: Option<&dyn Verifier>) -> Result<(), EngineError> {
    let last = doc.events.last().expect("checked by check_document");
    let Some(head) = &doc.head else {
        return match verifier {
            Some(_) => Err(refused(
                doc,
                TransferProblem::Unsigned,
                "keys are trusted but the document carries no signed head: ask the sender to sign its transfers",
            )),
            None => Ok(()),
        };
    };
    if head.subject != Subject::Case(doc.case.clone()) || head.seq != last.seq {
        return Err(refused(
            doc,
            TransferProblem::Unsigned,
            format!(
                "the head signs {} at {}, not this case's transfer (event {})",
                head.subject.word(),
                head.seq,
                last.seq
            ),
        ));
    }
    // The chain was recomputed by `check_document`: the signature and the last hash remain
    // (what `signing::verify_trace` would check after computing the chain again).
    if let Some(v) = verifier {
        head.check(v)?;
    }
    if head.head != last.hash {
        return Err(EngineError::Signature(
            crate::signing::SignatureError::Rewritten {
                subject: head.subject.word(),
                seq: head.seq,
                expected: head.head,
                found: last.hash,
            },
        ));
    }
    Ok(())
}

pub(crate) fn refused(
    doc: &TransferDocument,
    problem: TransferProblem,
    message: impl Into<String>,
) -> EngineError {
    EngineError::Transfer {
        problem,
        case: doc.case.clone(),
        message: message.into(),
    }
}

/// The form, the chain and the agreement between the document and its last event: all a
/// receiver can check without its own cases.
pub(crate) fn check_document(doc: &TransferDocument) -> Result<(), EngineError> {
    use TransferProblem::{Format, Shape};
    if doc.format != FORMAT {
        return Err(refused(
            doc,
            Format,
            format!(
                "the form is `{}`; this library reads `{FORMAT}`",
                doc.format
            ),
        ));
    }
    let Some(first) = doc.events.first() else {
        return Err(refused(doc, Shape, "it carries no events"));
    };
    match &first.op {
        Operation::Register { code, .. } if *code == doc.case && first.case == doc.case => {}
        _ => {
            return Err(refused(
                doc,
                Shape,
                "its first event is not the registration of the case it names",
            ))
        }
    }
    crate::trace::verify(&doc.events)?;
    let last = doc.events.last().expect("not empty");
    let agrees = match &last.op {
        Operation::TransferOut {
            from, to, reason, ..
        } => {
            **from == doc.from.end
                && **to == doc.to
                && *reason == doc.reason
                && last.at == doc.sent_at
        }
        _ => false,
    };
    if !agrees {
        return Err(refused(
            doc,
            Shape,
            "its last event is not the transfer_out it describes (from, to, reason and sent_at must agree)",
        ));
    }
    Ok(())
}

/// `events` applied to `d` as restore applies them (each allowed from the state before it,
/// none earlier than the one before), on a copy: a document whose history breaks the
/// lifecycle is refused before anything changes.
pub(crate) fn check_history(
    doc: &TransferDocument,
    mut d: Dispute,
    events: &[Event],
    mut last_at: chrono::DateTime<chrono::Utc>,
) -> Result<Dispute, EngineError> {
    for ev in events {
        let kind = ev.op.kind();
        if kind == lifecycle::OperationKind::Register
            || !lifecycle::allowed_from(kind).contains(&d.state)
        {
            return Err(refused(
                doc,
                TransferProblem::Shape,
                format!(
                    "event {}: {kind} is not allowed in state {}",
                    ev.seq, d.state
                ),
            ));
        }
        if ev.at < last_at {
            return Err(refused(
                doc,
                TransferProblem::Shape,
                format!("event {} goes back in time", ev.seq),
            ));
        }
        lifecycle::apply(&mut d, &ev.op, ev.at);
        last_at = ev.at;
    }
    Ok(d)
}
