//! Synthetic worlds: deterministic, seeded generators of hierarchies, residents, staff and
//! agencies in the proportions of the practice. Tests, examples and benchmarks share them,
//! so every measurement and every story runs on the same kind of world.
//!
//! The shape follows 一中心一张网十联户: every street has a governance centre, a police
//! station and a judicial office; every village/community a centre, full-time mediators and
//! legal-literate residents; every grid a grid worker; every household group (about ten
//! households) a head; the county a centre, the court and the sector departments ("+N").

use serde::{Deserialize, Serialize};

use fengqiao::agency::{Agency, AgencyKind};
use fengqiao::engine::{Engine, EngineError};
use fengqiao::hierarchy::{DivisionCode, Hierarchy, Name, Unit, UnitKind};
use fengqiao::people::{IdNumber, Person, Phone};
use fengqiao::staff::{Role, Staff};

pub mod county;
pub mod disputes;
pub mod forgery;
pub mod ids;
pub mod prefecture;
pub mod rules;
pub mod sajin;

/// A small, fast, seeded generator (SplitMix64): reproducible across platforms and
/// versions, which a general-purpose RNG crate does not promise.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        ((self.next_u64() as u128 * n as u128) >> 64) as u64
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }

    /// A uniformly chosen element.
    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }

    /// Shuffles in place (Fisher–Yates).
    pub fn shuffle<T>(&mut self, xs: &mut [T]) {
        for i in (1..xs.len()).rev() {
            xs.swap(i, self.below(i as u64 + 1) as usize);
        }
    }
}

/// The size and shape of a generated world.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Spec {
    /// The county's 12-digit code (e.g. Xingyi City, `522301000000`).
    pub county: String,
    /// The county's name.
    pub county_name: String,
    /// Streets/townships: name and, per village/community, (name, is_village, grids).
    pub streets: Vec<StreetSpec>,
    /// Household groups per grid.
    pub groups_per_grid: u32,
    /// Households per group.
    pub households_per_group: u32,
    /// Residents registered per household, on average (e.g. 2.81; 0 to skip residents:
    /// benchmarks of the tree alone). Each household gets the floor or the ceiling.
    pub persons_per_household: f64,
    /// Seed.
    pub seed: u64,
}

/// One street of a [`Spec`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StreetSpec {
    /// Name.
    pub name: String,
    /// Villages/communities.
    pub communities: Vec<CommunitySpec>,
}

/// One village or community of a [`StreetSpec`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommunitySpec {
    /// Name.
    pub name: String,
    /// A village (村委会, code 200–399) rather than a community (居委会, 001–199).
    pub village: bool,
    /// Grids.
    pub grids: u32,
    /// Full-time people's mediators (专职人民调解员).
    pub mediators: u32,
    /// Legal-literate residents (法律明白人).
    pub legal_literate: u32,
    /// Village cadres (村干部), each covering (包片) a share of the grids.
    pub cadres: u32,
}

impl CommunitySpec {
    /// A community with `grids` grids and two mediators, two legal-literate residents and
    /// one cadre.
    pub fn community(name: &str, grids: u32) -> CommunitySpec {
        CommunitySpec {
            name: name.into(),
            village: false,
            grids,
            mediators: 2,
            legal_literate: 2,
            cadres: 1,
        }
    }
}

impl Spec {
    /// A synthetic county or prefecture with real proportions (Qianxinan, 黔西南州: about
    /// 3.0 million people, 2.81 per household, ≈1.07M households in ≈107k household groups,
    /// ≈3k grids, ≈130 streets/townships and ≈2,100 villages/communities), scaled by
    /// `households` (1.07M gives the prefecture). No residents are registered: the
    /// benchmarks of the tree and of routing do not need them.
    pub fn scaled(households: u64, seed: u64) -> Spec {
        let grids = (households as f64 / 357.0).ceil().max(1.0) as u64;
        let streets = ((130.0 * households as f64 / 1_070_000.0).ceil() as u64).clamp(1, 399);
        let communities = ((2100.0 * households as f64 / 1_070_000.0).ceil() as u64).max(streets);
        let per_street = communities.div_ceil(streets);
        let mut left_grids = grids;
        let mut left_comm = communities;
        let mut out = Vec::new();
        for s in 0..streets {
            let mut cs = Vec::new();
            for c in 0..per_street.min(left_comm) {
                let remaining_comm = left_comm.max(1);
                let g = left_grids.div_ceil(remaining_comm).max(1) as u32;
                left_grids = left_grids.saturating_sub(g as u64);
                left_comm -= 1;
                cs.push(CommunitySpec {
                    name: format!("社区{s}-{c}"),
                    village: c % 3 == 2,
                    grids: g,
                    mediators: 2,
                    legal_literate: 4,
                    cadres: 1,
                });
            }
            if !cs.is_empty() {
                out.push(StreetSpec {
                    name: format!("街道{s}"),
                    communities: cs,
                });
            }
        }
        Spec {
            county: "522301000000".into(),
            county_name: "兴义市".into(),
            streets: out,
            groups_per_grid: 36,
            households_per_group: 10,
            persons_per_household: 0.0,
            seed,
        }
    }

    /// A small world for tests: one street with two communities of two grids each, two
    /// groups per grid, three households per group, two residents per household.
    pub fn small() -> Spec {
        Spec {
            county: "522301000000".into(),
            county_name: "兴义市".into(),
            streets: vec![StreetSpec {
                name: "洒金街道".into(),
                communities: vec![
                    CommunitySpec::community("A社区", 2),
                    CommunitySpec::community("B社区", 2),
                ],
            }],
            groups_per_grid: 2,
            households_per_group: 3,
            persons_per_household: 2.0,
            seed: 7,
        }
    }
}

/// The codes of what was generated, for picking places and people.
#[derive(Debug, Clone, Default)]
pub struct Places {
    /// County.
    pub county: Option<DivisionCode>,
    /// Streets.
    pub streets: Vec<DivisionCode>,
    /// Villages/communities.
    pub communities: Vec<DivisionCode>,
    /// Grids.
    pub grids: Vec<DivisionCode>,
    /// Household groups.
    pub groups: Vec<DivisionCode>,
    /// Households.
    pub households: Vec<DivisionCode>,
    /// Resident ids, by household order.
    pub persons: Vec<String>,
    /// For each household (same order as `households`), its residents' range in `persons`.
    pub residents: Vec<std::ops::Range<usize>>,
}

const SURNAMES: [&str; 12] = [
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "罗", "龙",
];
const GIVEN: [&str; 12] = [
    "明", "芳", "强", "丽", "军", "静", "伟", "敏", "勇", "燕", "涛", "霞",
];

fn name(rng: &mut Rng) -> String {
    format!(
        "{}{}{}",
        rng.pick(&SURNAMES),
        rng.pick(&GIVEN),
        rng.pick(&GIVEN)
    )
}

fn id_number(rng: &mut Rng, county: &str) -> IdNumber {
    let y = 1950 + rng.below(55);
    let m = 1 + rng.below(12);
    let d = 1 + rng.below(28);
    let body = format!("{}{y:04}{m:02}{d:02}{:03}", &county[..6], rng.below(1000));
    let check = IdNumber::check_char(body.as_bytes());
    IdNumber::parse(&format!("{body}{check}")).expect("generated numbers are valid")
}

fn code(s: &str) -> DivisionCode {
    s.parse().expect("generated codes are digits")
}

/// Builds the hierarchy only (no residents, staff or agencies): the benchmark of the tree.
pub fn hierarchy(spec: &Spec) -> Result<(Hierarchy, Places), EngineError> {
    let mut h = Hierarchy::default();
    let mut dir = Places::default();
    let scheme = h.scheme();
    let communities = spec
        .streets
        .iter()
        .map(|s| s.communities.len() as u64)
        .sum::<u64>();
    let grids: u64 = spec
        .streets
        .iter()
        .flat_map(|s| &s.communities)
        .map(|c| c.grids as u64)
        .sum();
    let groups = grids * spec.groups_per_grid as u64;
    let units = 1
        + spec.streets.len() as u64
        + communities
        + grids
        + groups * (1 + spec.households_per_group as u64);
    h.reserve(units as usize);
    let county = code(&spec.county);
    h.add(Unit {
        code: county,
        kind: UnitKind::County,
        name: spec.county_name.as_str().into(),
        retired: false,
    })?;
    dir.county = Some(county);
    for (si, street) in spec.streets.iter().enumerate() {
        let s_code = code(&format!("{}{:03}000", &spec.county[..6], si + 1));
        h.add(Unit {
            code: s_code,
            // Township numbers 100–199 are towns, 200–399 townships (GB/T 10114).
            kind: scheme
                .classify(s_code)
                .map_err(fengqiao::hierarchy::HierarchyError::from)?,
            name: street.name.as_str().into(),
            retired: false,
        })?;
        dir.streets.push(s_code);
        let (mut n_comm, mut n_vill) = (0, 0);
        for cs in &street.communities {
            let (cname, village, grids) = (&cs.name, &cs.village, &cs.grids);
            let seq = if *village {
                n_vill += 1;
                200 + n_vill
            } else {
                n_comm += 1;
                n_comm
            };
            let c_code = s_code
                .prefix(9)
                .and_then(|p| p.child(seq, 3))
                .expect("fits");
            h.add(Unit {
                code: c_code,
                kind: if *village {
                    UnitKind::Village
                } else {
                    UnitKind::Community
                },
                name: cname.as_str().into(),
                retired: false,
            })?;
            dir.communities.push(c_code);
            for g in 1..=*grids as u64 {
                let g_code = c_code.child(g, scheme.grid_digits).expect("fits");
                h.add(Unit {
                    code: g_code,
                    kind: UnitKind::Grid,
                    name: format!("{cname}第{g}网格").into(),
                    retired: false,
                })?;
                dir.grids.push(g_code);
                for k in 1..=spec.groups_per_grid as u64 {
                    let k_code = g_code.child(k, scheme.group_digits).expect("fits");
                    h.add(Unit {
                        code: k_code,
                        kind: UnitKind::HouseholdGroup,
                        name: Name::default(),
                        retired: false,
                    })?;
                    dir.groups.push(k_code);
                    for hh in 1..=spec.households_per_group as u64 {
                        let h_code = k_code.child(hh, scheme.household_digits).expect("fits");
                        h.add(Unit {
                            code: h_code,
                            kind: UnitKind::Household,
                            name: Name::default(),
                            retired: false,
                        })?;
                        dir.households.push(h_code);
                    }
                }
            }
        }
    }
    Ok((h, dir))
}

/// Builds a whole world: the hierarchy, residents, staff and agencies, in an engine with
/// the default rules, built the way a host builds one: from the world document (so its
/// journal starts empty, with that document as its origin).
pub fn world(spec: &Spec) -> Result<(Engine, Places), EngineError> {
    let (data, places) = world_data(spec)?;
    Ok((Engine::from_world(data)?, places))
}

/// The world document of [`world`]: what a host would export from its own database, and
/// what a journal's restore starts from.
pub fn world_data(spec: &Spec) -> Result<(fengqiao::engine::WorldData, Places), EngineError> {
    let (e, places) = build(spec)?;
    let mut data = e.to_world();
    data.rules = None;
    data.privacy = None;
    Ok((data, places))
}

fn build(spec: &Spec) -> Result<(Engine, Places), EngineError> {
    let (h, mut dir) = hierarchy(spec)?;
    let mut rng = Rng::new(spec.seed);
    let mut e = Engine::new(h);
    let county = dir.county.expect("built");
    let staff = |id: String, role: Role, unit: DivisionCode, rng: &mut Rng| Staff {
        id,
        name: name(rng),
        role,
        unit,
        covers: Vec::new(),
        available: true,
        active_cases: 0,
        person: None,
    };
    // Residents.
    let whole = spec.persons_per_household.floor();
    let frac = spec.persons_per_household - whole;
    for (i, hh) in dir.households.iter().enumerate() {
        let n = whole as u32 + u32::from(frac > 0.0 && rng.chance(frac));
        let start = dir.persons.len();
        dir.residents.push(start..start + n as usize);
        for p in 0..n {
            let id = format!("p{i}-{p}");
            e.add_person(Person {
                id: id.clone(),
                name: name(&mut rng),
                id_number: Some(id_number(&mut rng, &spec.county)),
                phone: Some(
                    Phone::parse(&format!("13{:09}", rng.below(1_000_000_000))).expect("valid"),
                ),
                household: *hh,
                key_person: None,
            })?;
            dir.persons.push(id);
        }
    }
    // The county: its centre, the court and the "+N" departments.
    let county_agencies = [
        (AgencyKind::GovernanceCentre, "综治中心"),
        (AgencyKind::Court, "人民法院"),
        (AgencyKind::Justice, "司法局"),
        (AgencyKind::Police, "公安局"),
        (AgencyKind::Labour, "人力资源和社会保障局"),
        (AgencyKind::Education, "教育局"),
        (AgencyKind::Housing, "住房和城乡建设局"),
        (AgencyKind::Land, "自然资源局"),
        (AgencyKind::Petitions, "信访局"),
        (AgencyKind::Health, "卫生健康局"),
        (AgencyKind::Transport, "交通运输局"),
        (AgencyKind::Environment, "生态环境分局"),
        (AgencyKind::Market, "市场监督管理局"),
        (AgencyKind::CivilAffairs, "民政局"),
        (AgencyKind::WomensFederation, "妇联"),
        (AgencyKind::OtherDepartment, "其他部门"),
    ];
    for (kind, suffix) in county_agencies {
        e.add_agency(Agency {
            id: ids::agency(kind, county),
            name: format!("{}{}", spec.county_name, suffix),
            kind,
            unit: county,
        })?;
    }
    e.add_staff(staff(
        ids::centre_staff(county),
        Role::CentreStaff,
        county,
        &mut rng,
    ))?;
    let hierarchy = e.hierarchy().clone();
    for s in &dir.streets {
        let sname = hierarchy.unit(*s)?.name.clone();
        for (kind, suffix) in [
            (AgencyKind::GovernanceCentre, "综治中心"),
            (AgencyKind::Police, "派出所"),
            (AgencyKind::Justice, "司法所"),
        ] {
            e.add_agency(Agency {
                id: ids::agency(kind, *s),
                name: format!("{sname}{suffix}"),
                kind,
                unit: *s,
            })?;
        }
        e.add_staff(staff(
            ids::centre_staff(*s),
            Role::CentreStaff,
            *s,
            &mut rng,
        ))?;
        e.add_staff(staff(
            ids::legal_counsel(*s),
            Role::LegalCounsel,
            *s,
            &mut rng,
        ))?;
        e.add_staff(staff(ids::mediator(*s, 0), Role::Mediator, *s, &mut rng))?;
    }
    let specs = spec.streets.iter().flat_map(|s| s.communities.iter());
    for (c, cs) in dir.communities.iter().zip(specs) {
        let cname = hierarchy.unit(*c)?.name.clone();
        e.add_agency(Agency {
            id: ids::agency(AgencyKind::GovernanceCentre, *c),
            name: format!("{cname}综治中心"),
            kind: AgencyKind::GovernanceCentre,
            unit: *c,
        })?;
        e.add_staff(staff(
            ids::centre_staff(*c),
            Role::CentreStaff,
            *c,
            &mut rng,
        ))?;
        e.add_staff(staff(
            ids::legal_counsel(*c),
            Role::LegalCounsel,
            *c,
            &mut rng,
        ))?;
        for m in 1..=cs.mediators {
            e.add_staff(staff(ids::mediator(*c, m), Role::Mediator, *c, &mut rng))?;
        }
        for m in 1..=cs.legal_literate {
            e.add_staff(staff(
                ids::legal_literate(*c, m),
                Role::LegalLiterate,
                *c,
                &mut rng,
            ))?;
        }
        // Village cadres cover (包片) the community's grids in equal slices.
        let grids: Vec<DivisionCode> = dir
            .grids
            .iter()
            .filter(|g| g.starts_with(*c))
            .copied()
            .collect();
        let slice = grids.len().div_ceil(cs.cadres.max(1) as usize).max(1);
        for (k, chunk) in grids.chunks(slice).enumerate().take(cs.cadres as usize) {
            let mut cadre = staff(
                ids::village_cadre(*c, k as u32 + 1),
                Role::VillageCadre,
                *c,
                &mut rng,
            );
            cadre.covers = chunk.to_vec();
            e.add_staff(cadre)?;
        }
    }
    for g in &dir.grids {
        e.add_staff(staff(ids::grid_worker(*g), Role::GridWorker, *g, &mut rng))?;
    }
    for k in &dir.groups {
        e.add_staff(staff(
            ids::household_head(*k),
            Role::HouseholdHead,
            *k,
            &mut rng,
        ))?;
    }
    Ok((e, dir))
}
