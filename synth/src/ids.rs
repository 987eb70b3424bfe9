//! The ids the generator gives staff and agencies, in one place: tests, benches and examples
//! name "the grid worker of this grid" through these functions instead of re-spelling
//! `gw-{code}` by hand (a spelling changed here changes everywhere).

use fengqiao::agency::AgencyKind;
use fengqiao::hierarchy::DivisionCode;
use fengqiao::trace::Actor;

/// The grid worker (网格员) of a grid.
pub fn grid_worker(grid: DivisionCode) -> String {
    format!("gw-{grid}")
}

/// The household-group head (联户长) of a household group.
pub fn household_head(group: DivisionCode) -> String {
    format!("hh-{group}")
}

/// The centre staff member (综治中心工作人员) of a county, street or community.
pub fn centre_staff(unit: DivisionCode) -> String {
    format!("cs-{unit}")
}

/// The legal counsel (法律顾问) of a street or community.
pub fn legal_counsel(unit: DivisionCode) -> String {
    format!("lc-{unit}")
}

/// The street's mediator (`n == 0`) or a community's `n`-th full-time mediator (专职人民调解员).
pub fn mediator(unit: DivisionCode, n: u32) -> String {
    if n == 0 {
        format!("md-{unit}")
    } else {
        format!("md-{unit}-{n}")
    }
}

/// A community's `n`-th legal-literate resident (法律明白人), from 1.
pub fn legal_literate(community: DivisionCode, n: u32) -> String {
    format!("ll-{community}-{n}")
}

/// A community's `n`-th village cadre (村干部), from 1.
pub fn village_cadre(community: DivisionCode, n: u32) -> String {
    format!("vc-{community}-{n}")
}

/// The agency of a kind at a unit (the county's court, a street's police station …).
pub fn agency(kind: AgencyKind, unit: DivisionCode) -> String {
    format!("{}-{unit}", kind.as_str())
}

/// A staff member as an actor.
pub fn staff(id: String) -> Actor {
    Actor::Staff(id)
}

/// The grid worker of a grid as an actor: the commonest actor in tests and examples.
pub fn grid_worker_actor(grid: DivisionCode) -> Actor {
    Actor::Staff(grid_worker(grid))
}
