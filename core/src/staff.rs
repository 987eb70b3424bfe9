//! The people who act (网格员, 联户长, 专职人民调解员, 法律明白人, 法律顾问, 村干部, centre staff):
//! who they are, which unit they serve, whether they are available, and how loaded they are.
//! Routing assembles teams from them; the lifecycle checks what each role may do.

use serde::{Deserialize, Serialize};

use crate::hierarchy::DivisionCode;
use crate::people::PersonId;
use crate::vocab::domain_enum;

domain_enum! {
    /// A staff role. Each role serves a unit at a typical level (see [`Role::home_level`]).
    pub enum Role {
        /// 网格员: visits households, finds and enters disputes, reports daily.
        GridWorker = ("grid_worker", "网格员", "grid worker"),
        /// 联户长: knows about ten households, reports "有事报情况，无事报平安".
        HouseholdHead = ("household_head", "联户长", "household head"),
        /// 专职人民调解员: mediates, at the village/community (or street).
        Mediator = ("mediator", "专职人民调解员", "full-time people's mediator"),
        /// 法律明白人: a trusted resident who explains the law.
        LegalLiterate = ("legal_literate", "法律明白人", "legal-literate resident"),
        /// 法律顾问: a lawyer on retainer at a street or community.
        LegalCounsel = ("legal_counsel", "法律顾问", "legal counsel"),
        /// 村干部: a village cadre covering several grids (包片).
        VillageCadre = ("village_cadre", "村干部", "village cadre"),
        /// 综治中心工作人员: receives, routes, coordinates, escalates.
        CentreStaff = ("centre_staff", "综治中心工作人员", "governance-centre staff"),
    }
}

impl Role {
    /// The level a role usually serves at; used by the validator to check that a team role
    /// is asked for where such staff can exist.
    pub const fn home_level(self) -> crate::hierarchy::Level {
        use crate::hierarchy::Level;
        match self {
            Role::GridWorker => Level::Grid,
            Role::HouseholdHead => Level::HouseholdGroup,
            Role::Mediator | Role::LegalLiterate | Role::VillageCadre => Level::Community,
            Role::LegalCounsel | Role::CentreStaff => Level::Street,
        }
    }
}

/// A host-chosen identifier for a staff member.
pub type StaffId = String;

/// A staff member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Staff {
    /// The host's key.
    pub id: StaffId,
    /// Name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// The unit served (a grid worker's grid, a head's household group, a mediator's community…).
    pub unit: DivisionCode,
    /// Further units covered: a village cadre's grids (包片).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub covers: Vec<DivisionCode>,
    /// Unavailable staff (leave, illness) are never put on a team.
    #[serde(default = "yes")]
    pub available: bool,
    /// Open cases on this person's desk; routing prefers the least loaded.
    #[serde(default)]
    pub active_cases: u32,
    /// The staff member as a resident, if known: recusal (回避) needs their household.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person: Option<PersonId>,
}

fn yes() -> bool {
    true
}
