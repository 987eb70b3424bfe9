//! The hierarchy of places (一中心一张网十联户): county → street → village/community → grid →
//! household group (联户) → household, each identified by a [`DivisionCode`].
//!
//! The tree lives in a petgraph `StableDiGraph` (edges point from parent to child), so node
//! indices stay valid when units are moved or retired, and a side table maps every code to
//! its node in O(1). A unit's parent is never stated, it is derived from its code: a code
//! always extends its parent's, which is what makes the codes meaningful to people.

mod code;

use std::collections::HashMap;

use petgraph::stable_graph::{NodeIndex, StableDiGraph};
use petgraph::Direction;
use serde::{Deserialize, Serialize};

pub use code::{CodeError, CodeScheme, DivisionCode, MAX_DIGITS, NATIONAL_DIGITS};

use crate::vocab::domain_enum;

domain_enum! {
    /// An organisation level: where a unit sits in the tree. Routing rules name levels
    /// ("handled at the community", "counsel from the street"), never unit kinds.
    pub enum Level {
        /// 省
        Province = ("province", "省", "province"),
        /// 市/州 (prefecture-level)
        Prefecture = ("prefecture", "市州", "prefecture"),
        /// 县/市/区 (county-level; Xingyi City is one)
        County = ("county", "县（市、区）", "county/city"),
        /// 乡镇/街道
        Street = ("street", "乡镇（街道）", "street/township"),
        /// 村/社区
        Community = ("community", "村（社区）", "village/community"),
        /// 网格
        Grid = ("grid", "网格", "grid"),
        /// 联户 (about ten households)
        HouseholdGroup = ("household_group", "联户", "household group"),
        /// 户
        Household = ("household", "户", "household"),
    }
}

domain_enum! {
    /// The kind of a unit, finer than its [`Level`]: the code tells a street from a town,
    /// a community from a village, and reports name them differently.
    pub enum UnitKind {
        /// 省
        Province = ("province", "省", "province"),
        /// 市州
        Prefecture = ("prefecture", "市州", "prefecture"),
        /// 县/县级市/区
        County = ("county", "县（市、区）", "county/city"),
        /// 街道 (township part 001–099)
        Street = ("street", "街道", "street"),
        /// 镇 (100–199)
        Town = ("town", "镇", "town"),
        /// 乡 (200–399)
        Township = ("township", "乡", "township"),
        /// 政企合一单位等 (400–599)
        SpecialArea = ("special_area", "类似乡级单位", "township-level special area"),
        /// 社区/居委会 (village part 001–199)
        Community = ("community", "社区", "community"),
        /// 村/村委会 (200–399)
        Village = ("village", "村", "village"),
        /// 网格
        Grid = ("grid", "网格", "grid"),
        /// 联户
        HouseholdGroup = ("household_group", "联户", "household group"),
        /// 户
        Household = ("household", "户", "household"),
    }
}

impl UnitKind {
    /// The level this kind of unit sits at.
    pub const fn level(self) -> Level {
        match self {
            UnitKind::Province => Level::Province,
            UnitKind::Prefecture => Level::Prefecture,
            UnitKind::County => Level::County,
            UnitKind::Street | UnitKind::Town | UnitKind::Township | UnitKind::SpecialArea => {
                Level::Street
            }
            UnitKind::Community | UnitKind::Village => Level::Community,
            UnitKind::Grid => Level::Grid,
            UnitKind::HouseholdGroup => Level::HouseholdGroup,
            UnitKind::Household => Level::Household,
        }
    }
}

/// One place in the hierarchy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Unit {
    /// Identity and position: the parent is the nearest existing unit whose code this one extends.
    pub code: DivisionCode,
    /// Checked against the code when the unit is added.
    pub kind: UnitKind,
    /// Display name (may be empty for households).
    #[serde(default, skip_serializing_if = "Name::is_empty")]
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub name: Name,
    /// A retired unit stays for history (old disputes point at it) but takes nothing new.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub retired: bool,
}

/// A unit's display name in one pointer (8 bytes; a `String` takes 24, a `Box<str>` 16).
///
/// A prefecture has a million households and almost none of them has a name: the empty name
/// allocates nothing, and every unit is 8 bytes smaller than with a `Box<str>`, which is
/// what keeps the hierarchy under 64 bytes per household. Reads as a `&str` (`Deref`),
/// prints as one, and is written as a plain JSON string.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Name(Option<Box<Box<str>>>);

impl Name {
    /// The name as a string slice (empty if the unit has none).
    pub fn as_str(&self) -> &str {
        self.0.as_deref().map_or("", |s| s)
    }

    /// Whether the unit has no name.
    pub fn is_empty(&self) -> bool {
        self.0.is_none()
    }
}

impl std::ops::Deref for Name {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl From<&str> for Name {
    fn from(s: &str) -> Name {
        Name((!s.is_empty()).then(|| Box::new(Box::from(s))))
    }
}

impl From<String> for Name {
    fn from(s: String) -> Name {
        Name((!s.is_empty()).then(|| Box::new(s.into_boxed_str())))
    }
}

impl PartialEq<str> for Name {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Name {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl std::fmt::Display for Name {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Debug for Name {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl Serialize for Name {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Name {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Name, D::Error> {
        // Borrowed when the input allows it, owned when it has escapes.
        let s = std::borrow::Cow::<'de, str>::deserialize(d)?;
        Ok(Name::from(&*s))
    }
}

impl Unit {
    /// The unit's level.
    pub fn level(&self) -> Level {
        self.kind.level()
    }
}

/// Why a hierarchy change or query was refused. Nothing changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HierarchyError {
    /// The code itself is malformed.
    #[error(transparent)]
    Code(#[from] CodeError),
    /// The declared kind does not match what the code says.
    #[error("unit {code} is declared `{declared}` but its code denotes `{derived}`")]
    KindMismatch {
        /// The unit's code.
        code: DivisionCode,
        /// The kind given.
        declared: UnitKind,
        /// The kind the code denotes.
        derived: UnitKind,
    },
    /// Another unit already has this code.
    #[error("a unit with code {0} already exists")]
    Duplicate(DivisionCode),
    /// No unit has this code.
    #[error("no unit has code {0}")]
    Unknown(DivisionCode),
    /// A unit below county level needs its parent to exist first.
    #[error("unit {code} needs its parent ({expected}) to exist first")]
    MissingParent {
        /// The unit's code.
        code: DivisionCode,
        /// The parent it needs: the nearest structural ancestor below county level.
        expected: DivisionCode,
    },
    /// The parent is retired.
    #[error("unit {code} cannot be placed under retired unit {parent}")]
    ParentRetired {
        /// The unit's code.
        code: DivisionCode,
        /// The retired parent.
        parent: DivisionCode,
    },
    /// Retiring would orphan active units, staff or open disputes.
    #[error("unit {code} cannot be retired: {reason}")]
    StillInUse {
        /// The unit's code.
        code: DivisionCode,
        /// What still depends on it.
        reason: String,
    },
    /// A move that breaks the tree (wrong level, or into its own subtree).
    #[error("unit {code} cannot move under {parent}: {reason}")]
    BadMove {
        /// The unit moved.
        code: DivisionCode,
        /// The intended parent.
        parent: DivisionCode,
        /// Why not.
        reason: &'static str,
    },
}

impl HierarchyError {
    /// Machine-readable details: the problem as a word and the codes involved.
    pub fn details(&self) -> serde_json::Value {
        use crate::error::Details as D;
        let problem = |p: &str| D::new().text("problem", p);
        match self {
            HierarchyError::Code(e) => problem("malformed_code").text("message", e).build(),
            HierarchyError::KindMismatch {
                code,
                declared,
                derived,
            } => problem("kind_mismatch")
                .text("code", code)
                .text("declared", declared)
                .text("derived", derived)
                .build(),
            HierarchyError::Duplicate(c) => problem("duplicate").text("code", c).build(),
            HierarchyError::Unknown(c) => problem("unknown").text("code", c).build(),
            HierarchyError::MissingParent { code, expected } => problem("missing_parent")
                .text("code", code)
                .text("parent", expected)
                .build(),
            HierarchyError::ParentRetired { code, parent } => problem("parent_retired")
                .text("code", code)
                .text("parent", parent)
                .build(),
            HierarchyError::StillInUse { code, reason } => problem("still_in_use")
                .text("code", code)
                .text("reason", reason)
                .build(),
            HierarchyError::BadMove {
                code,
                parent,
                reason,
            } => problem("bad_move")
                .text("code", code)
                .text("parent", parent)
                .text("reason", reason)
                .build(),
        }
    }
}

/// ```
/// use fengqiao::hierarchy::{Hierarchy, Level, Unit, UnitKind};
/// let mut h = Hierarchy::default();
/// for (code, kind, name) in [
///     ("522301000000", UnitKind::County, "兴义市"),
///     ("522301001000", UnitKind::Street, "洒金街道"),
///     ("522301001001", UnitKind::Community, "A社区"),
///     ("522301001002", UnitKind::Community, "B社区"),
/// ] {
///     h.add(Unit { code: code.parse()?, kind, name: name.into(), retired: false })?;
/// }
/// // Parties in two communities meet at the street: 大事不出街道.
/// let meet = h.lowest_common_ancestor(&["522301001001".parse()?, "522301001002".parse()?])?;
/// assert_eq!(h.unit(meet.unwrap())?.level(), Level::Street);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
/// A unit as a [`Hierarchy`] holds it: an opaque handle, meaningful only for the hierarchy
/// it came from, that lets routing ask "is this place within that unit?" without looking
/// the place's code up again. Opaque so the graph the hierarchy is kept in stays an
/// implementation detail (a host never builds one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct UnitRef(pub(crate) NodeIndex);

/// The tree of units. See the module docs.
#[derive(Debug, Clone)]
pub struct Hierarchy {
    scheme: CodeScheme,
    graph: StableDiGraph<Unit, ()>,
    /// Code → node for every unit above household level. A household is found through its
    /// household group (at most a dozen children), which keeps the map ten times smaller
    /// while lookups stay O(1).
    by_code: HashMap<DivisionCode, NodeIndex>,
    /// Old codes of moved units, so records made before a move still resolve.
    aliases: HashMap<DivisionCode, DivisionCode>,
}

impl Hierarchy {
    /// The handle of the unit `code`, for routing facts ([`crate::routing::Facts`]).
    pub fn unit_ref(&self, code: DivisionCode) -> Result<UnitRef, HierarchyError> {
        self.node(code).map(UnitRef)
    }

    /// Whether the unit `inner` lies within (or is) the unit `outer`.
    pub fn is_within_ref(&self, inner: UnitRef, outer: UnitRef) -> bool {
        self.is_within_node(inner.0, outer.0)
    }
}

impl Default for Hierarchy {
    fn default() -> Self {
        Hierarchy::new(CodeScheme::default()).expect("default scheme is valid")
    }
}

/// The JSON shape of a hierarchy: the code scheme and a flat list of units, parents before
/// children (a vendor's table of places, one row per unit).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct HierarchyData {
    /// Widths of the codes below village level.
    #[serde(default)]
    pub scheme: CodeScheme,
    /// Every unit, parents first.
    pub units: Vec<Unit>,
    /// Old code → current code for units that were moved.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<(DivisionCode, DivisionCode)>,
}

impl Hierarchy {
    /// An empty hierarchy with the given code widths.
    pub fn new(scheme: CodeScheme) -> Result<Self, HierarchyError> {
        scheme.validate()?;
        Ok(Hierarchy {
            scheme,
            graph: StableDiGraph::new(),
            by_code: HashMap::new(),
            aliases: HashMap::new(),
        })
    }

    /// The code widths in force.
    pub fn scheme(&self) -> CodeScheme {
        self.scheme
    }

    /// Number of units, retired ones included.
    pub fn len(&self) -> usize {
        self.graph.node_count()
    }

    /// Whether there are no units.
    pub fn is_empty(&self) -> bool {
        self.graph.node_count() == 0
    }

    /// Makes room for `units` more units, so building a large tree does not over-allocate.
    pub fn reserve(&mut self, units: usize) {
        self.graph.reserve_nodes(units);
        self.graph.reserve_edges(units);
    }

    fn is_household_code(&self, code: DivisionCode) -> bool {
        code.digits() == self.scheme.digits_at(Level::Household)
    }

    /// The node of an exact (current) code.
    fn lookup(&self, code: DivisionCode) -> Option<NodeIndex> {
        if self.is_household_code(code) {
            let group = code.prefix(self.scheme.digits_at(Level::HouseholdGroup))?;
            let g = *self.by_code.get(&group)?;
            return self
                .graph
                .neighbors_directed(g, Direction::Outgoing)
                .find(|&n| self.graph[n].code == code);
        }
        self.by_code.get(&code).copied()
    }

    fn index_insert(&mut self, code: DivisionCode, node: NodeIndex) {
        if !self.is_household_code(code) {
            self.by_code.insert(code, node);
        }
    }

    /// Adds a unit under the nearest existing unit its code extends. Units at county level
    /// or above may be roots; anything below needs its parent to exist.
    pub fn add(&mut self, unit: Unit) -> Result<(), HierarchyError> {
        self.add_node(unit).map(|_| ())
    }

    /// [`Hierarchy::add`], returning the unit's node in the graph.
    pub(crate) fn add_node(&mut self, unit: Unit) -> Result<NodeIndex, HierarchyError> {
        let derived = self.scheme.classify(unit.code)?;
        if derived != unit.kind {
            return Err(HierarchyError::KindMismatch {
                code: unit.code,
                declared: unit.kind,
                derived,
            });
        }
        if self.lookup(unit.code).is_some() {
            return Err(HierarchyError::Duplicate(unit.code));
        }
        let parent = self.find_parent(unit.code, unit.level())?;
        if let Some(p) = parent {
            if self.graph[p].retired && !unit.retired {
                return Err(HierarchyError::ParentRetired {
                    code: unit.code,
                    parent: self.graph[p].code,
                });
            }
        }
        let code = unit.code;
        let node = self.graph.add_node(unit);
        if let Some(p) = parent {
            self.graph.add_edge(p, node, ());
        }
        self.index_insert(code, node);
        Ok(node)
    }

    /// Below county level the parent is exactly the next structural ancestor (a grid
    /// belongs to its village, never directly to a street); a county or anything above may
    /// hang under the nearest existing ancestor, or be a root.
    fn find_parent(
        &self,
        code: DivisionCode,
        level: Level,
    ) -> Result<Option<NodeIndex>, HierarchyError> {
        let ancestors = self.scheme.structural_ancestors(code);
        if level <= Level::County {
            return Ok(ancestors.iter().find_map(|a| self.lookup(*a)));
        }
        let expected = ancestors[0];
        self.lookup(expected)
            .map(Some)
            .ok_or(HierarchyError::MissingParent { code, expected })
    }

    /// The node of a code, following the aliases of moved units.
    pub(crate) fn node(&self, code: DivisionCode) -> Result<NodeIndex, HierarchyError> {
        let code = self.aliases.get(&code).copied().unwrap_or(code);
        self.lookup(code).ok_or(HierarchyError::Unknown(code))
    }

    /// The current code for `code`: the new code if it is an alias of a moved unit, else
    /// itself. No existence check (see [`Hierarchy::resolve`] for that).
    pub fn current_code(&self, code: DivisionCode) -> DivisionCode {
        if self.aliases.is_empty() {
            code
        } else {
            self.aliases.get(&code).copied().unwrap_or(code)
        }
    }

    /// The current code of a unit, following aliases.
    pub fn resolve(&self, code: DivisionCode) -> Result<DivisionCode, HierarchyError> {
        self.node(code).map(|n| self.graph[n].code)
    }

    /// The unit at `node`. Panics only if `node` came from another hierarchy.
    pub(crate) fn unit_at(&self, node: NodeIndex) -> &Unit {
        &self.graph[node]
    }

    /// The unit with this code.
    pub fn unit(&self, code: DivisionCode) -> Result<&Unit, HierarchyError> {
        self.node(code).map(|n| &self.graph[n])
    }

    /// Whether a unit with this code exists (aliases included).
    pub fn contains(&self, code: DivisionCode) -> bool {
        self.node(code).is_ok()
    }

    /// The parent node, if any.
    pub(crate) fn parent_node(&self, node: NodeIndex) -> Option<NodeIndex> {
        self.graph
            .neighbors_directed(node, Direction::Incoming)
            .next()
    }

    /// The parent unit's code.
    pub fn parent(&self, code: DivisionCode) -> Result<Option<DivisionCode>, HierarchyError> {
        let n = self.node(code)?;
        Ok(self.parent_node(n).map(|p| self.graph[p].code))
    }

    /// Children in code order.
    pub fn children(&self, code: DivisionCode) -> Result<Vec<DivisionCode>, HierarchyError> {
        let n = self.node(code)?;
        let mut v: Vec<DivisionCode> = self
            .graph
            .neighbors_directed(n, Direction::Outgoing)
            .map(|c| self.graph[c].code)
            .collect();
        v.sort_unstable();
        Ok(v)
    }

    /// The node and its ancestors, nearest first, ending at the root.
    pub(crate) fn path_nodes(&self, node: NodeIndex) -> impl Iterator<Item = NodeIndex> + '_ {
        std::iter::successors(Some(node), move |&n| self.parent_node(n))
    }

    /// Ancestors of a unit (excluding itself), nearest first.
    pub fn ancestors(&self, code: DivisionCode) -> Result<Vec<DivisionCode>, HierarchyError> {
        let n = self.node(code)?;
        Ok(self
            .path_nodes(n)
            .skip(1)
            .map(|a| self.graph[a].code)
            .collect())
    }

    /// Distance from the root (a root has depth 0).
    pub fn depth(&self, code: DivisionCode) -> Result<usize, HierarchyError> {
        let n = self.node(code)?;
        Ok(self.path_nodes(n).count() - 1)
    }

    /// Whether `inner` is `outer` or lies in its subtree (Cedar's `in`).
    pub fn is_within(
        &self,
        inner: DivisionCode,
        outer: DivisionCode,
    ) -> Result<bool, HierarchyError> {
        let (i, o) = (self.node(inner)?, self.node(outer)?);
        Ok(self.is_within_node(i, o))
    }

    /// Node form of [`Self::is_within`].
    pub(crate) fn is_within_node(&self, inner: NodeIndex, outer: NodeIndex) -> bool {
        // Codes extend their parents', but a root may be any county: walk, it is short.
        self.path_nodes(inner).any(|n| n == outer)
    }

    /// The lowest common ancestor of several units: where a dispute whose parties live in
    /// different units is handled. `None` if they are in different trees or the list is empty.
    pub fn lowest_common_ancestor(
        &self,
        codes: &[DivisionCode],
    ) -> Result<Option<DivisionCode>, HierarchyError> {
        let nodes = codes
            .iter()
            .map(|c| self.node(*c))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(self.lca_nodes(&nodes).map(|n| self.graph[n].code))
    }

    /// Node form of [`Self::lowest_common_ancestor`].
    pub(crate) fn lca_nodes(&self, nodes: &[NodeIndex]) -> Option<NodeIndex> {
        let (first, rest) = nodes.split_first()?;
        let mut path: Vec<NodeIndex> = self.path_nodes(*first).collect();
        for &n in rest {
            // Keep the part of `path` that is also on n's path; path is nearest-first, so the
            // first common node cuts it.
            let pos = self
                .path_nodes(n)
                .find_map(|a| path.iter().position(|&p| p == a))?;
            path.drain(..pos);
        }
        path.first().copied()
    }

    /// The code of the unit at `level` that contains `code` (itself at its own level), if
    /// such a unit exists: computed from the codes, one hash lookup, no walk. Aliases of
    /// moved units are followed.
    pub fn ancestor_code_at_level(&self, code: DivisionCode, level: Level) -> Option<DivisionCode> {
        let code = if self.aliases.is_empty() {
            code
        } else {
            self.aliases.get(&code).copied().unwrap_or(code)
        };
        let a = self.scheme.ancestor_code(code, level)?;
        if level == Level::Household {
            return self.lookup(a).map(|_| a);
        }
        self.by_code.contains_key(&a).then_some(a)
    }

    /// The ancestor-or-self of `node` at `level`, if the path has one.
    pub(crate) fn ancestor_at_level(&self, node: NodeIndex, level: Level) -> Option<NodeIndex> {
        self.path_nodes(node)
            .find(|&n| self.graph[n].level() == level)
    }

    /// Every node in the subtree of `code` (itself first), depth-first in code order.
    pub fn subtree(&self, code: DivisionCode) -> Result<Vec<DivisionCode>, HierarchyError> {
        let n = self.node(code)?;
        Ok(self.subtree_nodes(n).map(|s| self.graph[s].code).collect())
    }

    /// Node form of [`Self::subtree`] (unordered among siblings), lazily.
    pub(crate) fn subtree_nodes(&self, node: NodeIndex) -> impl Iterator<Item = NodeIndex> + '_ {
        let mut stack = vec![node];
        std::iter::from_fn(move || {
            let n = stack.pop()?;
            stack.extend(self.graph.neighbors_directed(n, Direction::Outgoing));
            Some(n)
        })
    }

    /// Number of units in the subtree, itself included.
    pub fn subtree_len(&self, code: DivisionCode) -> Result<usize, HierarchyError> {
        let n = self.node(code)?;
        Ok(self.subtree_nodes(n).count())
    }

    /// Whether `code` is the prefecture or the province above this hierarchy's roots, by
    /// the national code (GB/T 2260: two digits a province, four a prefecture), though not a
    /// unit here: a county's engine knows the levels it escalates to (上报) by their codes,
    /// without holding their subtrees.
    ///
    /// ```
    /// # let world: fengqiao::engine::WorldData = serde_json::from_str(include_str!("../../../examples/data/world-small.json"))?;
    /// let h = fengqiao::engine::Engine::from_world(world)?.hierarchy().clone(); // county 522301
    /// assert!(h.is_above_roots("522300000000".parse()?)); // 黔西南州
    /// assert!(h.is_above_roots("520000000000".parse()?)); // 贵州省
    /// assert!(!h.is_above_roots("522400000000".parse()?)); // another prefecture
    /// assert!(!h.is_above_roots("522301000000".parse()?)); // the county itself
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_above_roots(&self, code: DivisionCode) -> bool {
        let c = code.to_string();
        if c.len() != NATIONAL_DIGITS as usize || self.node(code).is_ok() {
            return false;
        }
        self.roots().iter().any(|r| {
            let r = r.to_string();
            [2, 4].iter().any(|&k| {
                r.len() == c.len() && c[..k] == r[..k] && c[k..].bytes().all(|b| b == b'0')
            })
        })
    }

    /// Roots (units without a parent), in code order.
    pub fn roots(&self) -> Vec<DivisionCode> {
        let mut v: Vec<DivisionCode> = self
            .graph
            .node_indices()
            .filter(|&n| self.parent_node(n).is_none())
            .map(|n| self.graph[n].code)
            .collect();
        v.sort_unstable();
        v
    }

    /// Every unit, in code order (parents sort before their children).
    pub fn units(&self) -> impl Iterator<Item = &Unit> {
        let mut nodes: Vec<NodeIndex> = self.graph.node_indices().collect();
        nodes.sort_unstable_by_key(|n| (self.graph[*n].code.digits(), self.graph[*n].code));
        nodes.into_iter().map(move |n| &self.graph[n])
    }

    /// Retires a unit. Refused while it has active children; the engine adds the checks for
    /// staff and open disputes, which the hierarchy does not know about.
    pub fn retire(&mut self, code: DivisionCode) -> Result<(), HierarchyError> {
        let n = self.node(code)?;
        let active = self
            .graph
            .neighbors_directed(n, Direction::Outgoing)
            .filter(|&c| !self.graph[c].retired)
            .count();
        if active > 0 {
            return Err(HierarchyError::StillInUse {
                code,
                reason: format!("{active} active child unit(s)"),
            });
        }
        self.graph[n].retired = true;
        Ok(())
    }

    /// Moves a unit (with its subtree) under a new parent of the same level as its old
    /// parent, giving it `new_code`, which must extend the new parent's code. Descendants
    /// are re-coded by prefix, and every old code stays an alias of its new one.
    pub fn move_unit(
        &mut self,
        code: DivisionCode,
        new_parent: DivisionCode,
        new_code: DivisionCode,
    ) -> Result<(), HierarchyError> {
        let n = self.node(code)?;
        let code = self.graph[n].code;
        let p = self.node(new_parent)?;
        let bad = |reason| HierarchyError::BadMove {
            code,
            parent: new_parent,
            reason,
        };
        let old_parent = self
            .parent_node(n)
            .ok_or_else(|| bad("a root cannot be moved"))?;
        if self.graph[old_parent].level() != self.graph[p].level() {
            return Err(bad(
                "the new parent must be at the same level as the old one",
            ));
        }
        if self.graph[p].retired {
            return Err(bad("the new parent is retired"));
        }
        if self.is_within_node(p, n) {
            return Err(bad("a unit cannot move into its own subtree"));
        }
        // The new code is checked as a new unit's would be (区划调整 re-codes a unit): the
        // same kind, and a code whose structural parent is the new parent.
        let kind = self.graph[n].kind;
        if new_code.digits() != code.digits() {
            return Err(bad("the new code must have the same width as the old one"));
        }
        let derived = self.scheme.classify(new_code)?;
        if derived != kind {
            return Err(HierarchyError::KindMismatch {
                code: new_code,
                declared: kind,
                derived,
            });
        }
        let level = self.graph[n].level();
        let ancestors = self.scheme.structural_ancestors(new_code);
        let parent_code = self.graph[p].code;
        let under = if level > Level::County {
            ancestors.first() == Some(&parent_code)
        } else {
            ancestors.contains(&parent_code)
        };
        if !under {
            return Err(bad("the new code must extend the new parent's code"));
        }
        // The digits that name the moved unit (a street: 9 of its 12; a community: 12; a
        // grid: all), replaced in every code of its subtree.
        let sig = match level {
            Level::Province => 2,
            Level::Prefecture => 4,
            Level::County => 6,
            Level::Street => 9,
            _ => code.digits(),
        };
        let new_prefix = new_code.prefix(sig).expect("sig <= digits");
        if new_code != code && self.lookup(new_code).is_some() {
            return Err(HierarchyError::Duplicate(new_code));
        }
        // Compute every re-coding first, so a failure changes nothing.
        let mut recode = Vec::new();
        for s in self.subtree_nodes(n).collect::<Vec<_>>() {
            let old = self.graph[s].code;
            let rest = old.digits() - sig;
            let new = new_prefix
                .child(old.value() % 10u64.pow(rest as u32), rest)
                .expect("same width as the old code");
            if new != old && self.lookup(new).is_some_and(|m| !self.is_within_node(m, n)) {
                return Err(HierarchyError::Duplicate(new));
            }
            recode.push((s, old, new));
        }
        let e = self.graph.find_edge(old_parent, n).expect("parent edge");
        self.graph.remove_edge(e);
        self.graph.add_edge(p, n, ());
        for (_, old, _) in &recode {
            if !self.is_household_code(*old) {
                self.by_code.remove(old);
            }
        }
        for (s, old, new) in recode {
            self.graph[s].code = new;
            self.index_insert(new, s);
            if old != new {
                self.aliases.insert(old, new);
                for v in self.aliases.values_mut() {
                    if *v == old {
                        *v = new;
                    }
                }
            }
        }
        Ok(())
    }

    /// Builds a hierarchy from its JSON shape, checking every unit.
    pub fn from_data(data: HierarchyData) -> Result<Self, HierarchyError> {
        let mut h = Hierarchy::new(data.scheme)?;
        let mut units = data.units;
        // Parents first, whatever order the host gave.
        units.sort_by_key(|u| (u.code.digits(), u.code));
        h.reserve(units.len());
        for u in units {
            h.add(u)?;
        }
        for (old, new) in data.aliases {
            h.node(new)?;
            h.aliases.insert(old, new);
        }
        Ok(h)
    }

    /// The JSON shape of this hierarchy.
    pub fn to_data(&self) -> HierarchyData {
        let mut aliases: Vec<_> = self.aliases.iter().map(|(a, b)| (*a, *b)).collect();
        aliases.sort_unstable();
        HierarchyData {
            scheme: self.scheme,
            units: self.units().cloned().collect(),
            aliases,
        }
    }
}

#[cfg(test)]
mod tests;
