//! JSON Schemas of every shape (feature `schema`), generated from the Rust types so they
//! cannot drift; `docs/schema/` holds them, checked by a test. Vendors generate Java or C#
//! classes from these files.

use std::borrow::Cow;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};

macro_rules! string_schema {
    ($ty:ty, $name:literal, $pattern:literal, $doc:literal) => {
        impl JsonSchema for $ty {
            fn schema_name() -> Cow<'static, str> {
                $name.into()
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!({"type": "string", "pattern": $pattern, "description": $doc})
            }
        }
    };
}

string_schema!(
    crate::hierarchy::DivisionCode,
    "DivisionCode",
    "^[0-9]{1,19}$",
    "A division code: 12 digits (province 2, city 2, county 2, township 3, village 3) or longer for grids, household groups and households."
);
string_schema!(
    crate::people::IdNumber,
    "IdNumber",
    "^[0-9]{17}[0-9Xx]$",
    "A resident identity number (GB 11643) with its ISO 7064 MOD 11-2 check character."
);
string_schema!(
    crate::people::Phone,
    "Phone",
    "^[0-9][0-9-]{5,18}[0-9]$",
    "A phone number: digits, at most one hyphen."
);
string_schema!(
    crate::trace::Hash,
    "Hash",
    "^[0-9a-f]{64}$",
    "An SM3 digest as 64 lowercase hex digits."
);

impl JsonSchema for crate::dispute::Flags {
    fn schema_name() -> Cow<'static, str> {
        "Flags".into()
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        let item = g.subschema_for::<crate::dispute::Flag>();
        json_schema!({"type": "array", "items": item, "uniqueItems": true})
    }
}

/// Every root shape, by file name: what the bindings take and return.
pub fn all() -> Vec<(&'static str, Schema)> {
    use schemars::schema_for;
    vec![
        ("world", schema_for!(crate::world::WorldData)),
        ("hierarchy", schema_for!(crate::hierarchy::HierarchyData)),
        ("unit", schema_for!(crate::hierarchy::Unit)),
        ("person", schema_for!(crate::people::Person)),
        ("staff", schema_for!(crate::staff::Staff)),
        ("agency", schema_for!(crate::agency::Agency)),
        ("dispute-input", schema_for!(crate::dispute::DisputeInput)),
        ("actor", schema_for!(crate::trace::Actor)),
        ("operation", schema_for!(crate::lifecycle::Operation)),
        ("dispute", schema_for!(crate::lifecycle::Dispute)),
        ("event", schema_for!(crate::trace::Event)),
        ("rule-set", schema_for!(crate::routing::RuleSet)),
        ("diagnostic", schema_for!(crate::routing::Diagnostic)),
        ("decision", schema_for!(crate::routing::Decision)),
        ("case-view", schema_for!(crate::access::CaseView)),
        ("sweep", schema_for!(crate::engine::Sweep)),
        ("stats-query", schema_for!(crate::stats::Query)),
        ("stats-report", schema_for!(crate::stats::Report)),
        (
            "assessment-query",
            schema_for!(crate::assessment::AssessmentQuery),
        ),
        ("assessment", schema_for!(crate::assessment::Assessment)),
        (
            "local-calendar",
            schema_for!(crate::calendar::LocalCalendar),
        ),
        ("zero-report", schema_for!(crate::cadence::ZeroReport)),
        ("missing-report", schema_for!(crate::cadence::MissingReport)),
        (
            "historical-dispute",
            schema_for!(crate::whatif::HistoricalDispute),
        ),
        ("comparison", schema_for!(crate::whatif::Comparison)),
        ("ranked", schema_for!(crate::cadence::Ranked)),
        ("week-row", schema_for!(crate::cadence::WeekRow)),
        (
            "deadline-status",
            schema_for!(crate::deadline::DeadlineStatus),
        ),
        ("person-view", schema_for!(crate::access::PersonView)),
        ("privacy", schema_for!(crate::access::Privacy)),
        ("denial", schema_for!(crate::access::Denial)),
        ("journal-entry", schema_for!(crate::journal::JournalEntry)),
        ("snapshot", schema_for!(crate::journal::Snapshot)),
        ("journal-error", schema_for!(crate::journal::JournalError)),
        ("signed-head", schema_for!(crate::signing::SignedHead)),
        (
            "signature-report",
            schema_for!(crate::signing::SignatureReport),
        ),
        ("audit-entry", schema_for!(crate::audit::AuditEntry)),
        ("located", schema_for!(crate::routing::Located)),
        (
            "transfer-document",
            schema_for!(crate::transfer::TransferDocument),
        ),
        ("endpoint", schema_for!(crate::transfer::Endpoint)),
        ("intake", schema_for!(crate::transfer::Intake)),
        (
            "transfer-check",
            schema_for!(crate::transfer::TransferCheck),
        ),
        (
            "statistical-return",
            schema_for!(crate::returns::StatisticalReturn),
        ),
        ("consolidation", schema_for!(crate::returns::Consolidation)),
    ]
}
