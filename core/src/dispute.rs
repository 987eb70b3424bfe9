//! The case record of a dispute (矛盾纠纷): what it is about, how it was found, who is
//! involved, where, how urgent and risky, and its one-case-one-code identifier
//! (一案一编码、一码管到底). The record's mutable part (state, handling unit, agreement …)
//! is changed only by the lifecycle, so every change is in the trace.

use std::fmt;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::agency::AgencyId;
use crate::hierarchy::DivisionCode;
use crate::people::PersonId;
use crate::staff::StaffId;
use crate::vocab::domain_enum;

domain_enum! {
    /// Dispute category: the Ministry of Justice's fifteen people's-mediation statistics
    /// categories, plus education, which the seed article (and many local reports) count on
    /// their own. [`Category::moj`] maps education back into the ministry's form.
    pub enum Category {
        /// 婚姻家庭 (the article's 婚恋家庭)
        MarriageFamily = ("marriage_family", "婚姻家庭", "marriage and family"),
        /// 邻里
        Neighbour = ("neighbour", "邻里", "neighbour"),
        /// 房屋宅基地
        HousingHomestead = ("housing_homestead", "房屋宅基地", "housing and homestead"),
        /// 合同 (the article's 经济往来 is usually filed here)
        Contract = ("contract", "合同", "contract"),
        /// 生产经营
        Business = ("business", "生产经营", "production and business"),
        /// 损害赔偿
        Damages = ("damages", "损害赔偿", "damages"),
        /// 山林土地 (the article's 土地资源权属)
        ForestLand = ("forest_land", "山林土地", "forest and land"),
        /// 征地拆迁
        Expropriation = ("expropriation", "征地拆迁", "land expropriation and demolition"),
        /// 环境污染
        Environment = ("environment", "环境污染", "environmental pollution"),
        /// 劳动争议
        Labour = ("labour", "劳动争议", "labour"),
        /// 消费
        Consumer = ("consumer", "消费", "consumer"),
        /// 医疗
        Medical = ("medical", "医疗", "medical"),
        /// 道路交通事故
        Traffic = ("traffic", "道路交通事故", "road traffic accident"),
        /// 物业
        PropertyManagement = ("property_management", "物业", "property management"),
        /// 教育 (counted separately by the seed article; [`Category::moj`] files it under 其他)
        Education = ("education", "教育", "education"),
        /// 其他
        Other = ("other", "其他", "other"),
    }
}

impl Category {
    /// The category as the Ministry of Justice's 15-category form counts it.
    pub const fn moj(self) -> Category {
        match self {
            Category::Education => Category::Other,
            c => c,
        }
    }
}

domain_enum! {
    /// How a dispute was discovered (排查渠道).
    pub enum Channel {
        /// 入户走访
        HouseholdVisit = ("household_visit", "入户走访", "household visit"),
        /// 邻里闲谈
        NeighbourTalk = ("neighbour_talk", "邻里闲谈", "neighbourhood talk"),
        /// 亲朋反馈
        RelativesFeedback = ("relatives_feedback", "亲朋反馈", "feedback from relatives and friends"),
        /// 来访接待
        WalkIn = ("walk_in", "来访接待", "walk-in visit"),
        /// 热线
        Hotline = ("hotline", "热线电话", "hotline"),
        /// 终端APP上报
        App = ("app", "APP上报", "app report"),
        /// 上级交办
        AssignedFromAbove = ("assigned_from_above", "上级交办", "assigned from above"),
        /// 法院委派/委托
        ReferredByCourt = ("referred_by_court", "法院委派", "referred by a court"),
        /// 公安移送
        ReferredByPolice = ("referred_by_police", "公安移送", "referred by the police"),
    }
}

domain_enum! {
    /// Urgency (紧急程度).
    pub enum Urgency {
        /// 低
        Low = ("low", "一般", "low"),
        /// 中
        Medium = ("medium", "较急", "medium"),
        /// 高
        High = ("high", "紧急", "high"),
    }
}

domain_enum! {
    /// Risk colour, in increasing order. Red: report up at once; orange: handle the same
    /// day; yellow: the grid worker resolves it on the spot; blue: low risk.
    pub enum RiskColour {
        /// 蓝
        Blue = ("blue", "蓝色", "blue"),
        /// 黄
        Yellow = ("yellow", "黄色", "yellow"),
        /// 橙
        Orange = ("orange", "橙色", "orange"),
        /// 红
        Red = ("red", "红色", "red"),
    }
}

domain_enum! {
    /// Group-size bucket of the people involved, as group-dispute (群体性) reporting counts it.
    pub enum GroupSize {
        /// fewer than 50
        Under50 = ("under_50", "50人以下", "under 50"),
        /// 50–100
        From50To100 = ("50_to_100", "50–100人", "50 to 100"),
        /// 101–500
        From100To500 = ("100_to_500", "101–500人", "101 to 500"),
        /// more than 500
        Over500 = ("over_500", "500人以上", "over 500"),
    }
}

impl GroupSize {
    /// The bucket of a head count.
    pub const fn of(people: u32) -> GroupSize {
        match people {
            0..=49 => GroupSize::Under50,
            50..=100 => GroupSize::From50To100,
            101..=500 => GroupSize::From100To500,
            _ => GroupSize::Over500,
        }
    }
}

domain_enum! {
    /// Facts about a dispute that change how it is handled.
    pub enum Flag {
        /// 有激化风险 (人民调解法 art. 25: report to the police)
        ViolenceRisk = ("violence_risk", "有暴力或激化风险", "violence risk"),
        /// 涉未成年人
        Minors = ("minors", "涉未成年人", "minors involved"),
        /// 涉重点人员
        KeyPerson = ("key_person", "涉重点人员", "key person involved"),
        /// 跨区域
        CrossRegion = ("cross_region", "跨区域", "cross-region"),
        /// 涉多部门
        MultiDepartment = ("multi_department", "涉多部门", "multi-department"),
        /// 历史遗留
        Historic = ("historic", "历史遗留", "historic case"),
        /// 重大疑难复杂
        Major = ("major", "重大疑难复杂", "major, difficult or complex"),
    }
}

/// A set of [`Flag`]s, as a bit set (JSON: a list of flag names).
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Flags(u8);

impl Flags {
    /// No flags.
    pub const EMPTY: Flags = Flags(0);

    /// Whether `flag` is set.
    pub const fn has(self, flag: Flag) -> bool {
        self.0 & (1 << flag.index()) != 0
    }

    /// Sets `flag`.
    pub fn insert(&mut self, flag: Flag) {
        self.0 |= 1 << flag.index();
    }

    /// Clears `flag`.
    pub fn remove(&mut self, flag: Flag) {
        self.0 &= !(1 << flag.index());
    }

    /// Whether no flag is set.
    pub const fn is_empty(&self) -> bool {
        self.0 == 0
    }

    /// This set with `flag`.
    pub const fn with(self, flag: Flag) -> Flags {
        Flags(self.0 | 1 << flag.index())
    }

    /// Whether every flag of `other` is set here.
    pub const fn contains(self, other: Flags) -> bool {
        self.0 & other.0 == other.0
    }

    /// Whether any flag of `other` is set here.
    pub const fn intersects(self, other: Flags) -> bool {
        self.0 & other.0 != 0
    }

    /// The raw bits (bit i = `Flag::ALL[i]`); dense, for indexing.
    pub const fn bits(self) -> u8 {
        self.0
    }

    /// The set flags, in declaration order.
    pub fn iter(self) -> impl Iterator<Item = Flag> {
        Flag::ALL.iter().copied().filter(move |f| self.has(*f))
    }
}

impl FromIterator<Flag> for Flags {
    fn from_iter<I: IntoIterator<Item = Flag>>(iter: I) -> Self {
        let mut f = Flags::EMPTY;
        for x in iter {
            f.insert(x);
        }
        f
    }
}

impl fmt::Debug for Flags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl Serialize for Flags {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for Flags {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Vec::<Flag>::deserialize(d)?.into_iter().collect())
    }
}

/// A party to a dispute.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Party {
    /// A registered resident.
    Person(PersonId),
    /// A household as a whole (e.g. two families over a wall).
    Household(DivisionCode),
    /// A company, property-management firm, school …
    Organisation {
        /// Its name.
        name: String,
        /// Where it sits, if inside the hierarchy.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unit: Option<DivisionCode>,
    },
}

/// The case code (一案一编码): `{unit code}-{yyyymmdd}-{sequence:04}`, e.g.
/// `522301010001-20230105-0003`. Readable on the phone, unique, and it tells where and
/// when a case was registered without a database lookup.
///
/// The text is private: a `CaseCode` is made by the engine ([`CaseCode::new`]) or parsed
/// and checked (`"…".parse()`, and when read from JSON), so a malformed code never reaches
/// a lookup.
///
/// ```
/// use fengqiao::dispute::CaseCode;
/// let c: CaseCode = "522301010001-20230105-0003".parse()?;
/// assert_eq!(c.as_str(), "522301010001-20230105-0003");
/// assert!("522301010001-2023015-0003".parse::<CaseCode>().is_err());
/// # Ok::<(), fengqiao::dispute::CaseCodeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(with = "String"))]
// The text is shared by every clone: each event of a case, the case's record and the engine's
// indexes hold one allocation (issue 37, memory per case).
pub struct CaseCode(std::sync::Arc<str>);

/// Written as its text without a copy: every event carries its case's code, so every hash
/// computed and every journal entry written serialises one.
impl Serialize for CaseCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl CaseCode {
    /// Forms the code from its parts.
    pub fn new(unit: DivisionCode, date: NaiveDate, seq: u32) -> CaseCode {
        // Written by hand, not with chrono's `format("%Y%m%d")`: the strftime machinery is
        // otherwise unused and weighs in the WebAssembly module.
        CaseCode(std::sync::Arc::from(format!(
            "{unit}-{:04}{:02}{:02}-{seq:04}",
            date.year(),
            date.month(),
            date.day()
        )))
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The sequence, the code's third part (4 to 10 digits: a capture device's block or the
    /// registering engine's own count, see [`crate::capture`]).
    pub fn sequence(&self) -> u64 {
        let digits = self.0.rsplit('-').next().unwrap_or_default();
        digits.parse().unwrap_or_default()
    }
}

/// A text that is not a case code, with what was wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{text}` is not a case code ({{unit code}}-{{yyyymmdd}}-{{sequence}}, e.g. 522301010001-20230105-0003): {reason}")]
pub struct CaseCodeError {
    /// The text given (at most 64 characters of it).
    pub text: String,
    /// What is wrong with it.
    pub reason: &'static str,
}

impl std::str::FromStr for CaseCode {
    type Err = CaseCodeError;

    fn from_str(s: &str) -> Result<CaseCode, CaseCodeError> {
        let bad = |reason| CaseCodeError {
            text: s.chars().take(64).collect(),
            reason,
        };
        let mut parts = s.split('-');
        let (Some(unit), Some(date), Some(seq), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(bad("it must have three parts separated by `-`"));
        };
        unit.parse::<DivisionCode>()
            .map_err(|_| bad("the first part must be a division code"))?;
        if crate::calendar::date_from_digits(date.as_bytes()).is_none() {
            return Err(bad("the second part must be a date written yyyymmdd"));
        }
        if seq.len() < 4 || seq.len() > 10 || !seq.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad("the third part must be a sequence of 4 to 10 digits"));
        }
        Ok(CaseCode(std::sync::Arc::from(s)))
    }
}

/// Read from the text as the JSON holds it, without a `String` between: a restore reads a
/// case code with every event.
impl<'de> Deserialize<'de> for CaseCode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<CaseCode, D::Error> {
        struct Text;
        impl serde::de::Visitor<'_> for Text {
            type Value = CaseCode;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a case code")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<CaseCode, E> {
                s.parse().map_err(E::custom)
            }
        }
        d.deserialize_str(Text)
    }
}

impl TryFrom<String> for CaseCode {
    type Error = CaseCodeError;

    fn try_from(s: String) -> Result<CaseCode, CaseCodeError> {
        s.parse()
    }
}

impl From<CaseCode> for String {
    fn from(c: CaseCode) -> String {
        c.0.to_string()
    }
}

impl fmt::Display for CaseCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A case's id in another system that sent it here — a 110 call diverted to the centre
/// (警调对接), a 12345 ticket, a court's pre-litigation referral (诉前委派调解) — so either
/// side finds the other's record: an engine holds at most one case per reference.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ExternalRef {
    /// The other system, as the host names it (`110`, `12345`, `court-mediation`): 1–64
    /// characters, no control characters.
    pub system: String,
    /// The case's id in that system: 1–64 characters, no control characters.
    pub id: String,
}

/// The most characters of an external reference's parts and of an idempotency key: ids
/// of other platforms and device-made keys (UUIDs) fit; a document pasted by mistake does
/// not.
pub const MAX_REFERENCE_CHARS: usize = 64;

/// What the person entering a dispute provides (网上录入). The engine adds the case code,
/// the registration time and the registering actor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct DisputeInput {
    /// Category.
    pub category: Category,
    /// A subtype from the rule set's vocabulary (e.g. "wage_arrears" under labour).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtype: Option<String>,
    /// How it was found.
    pub channel: Channel,
    /// The parties.
    pub parties: Vec<Party>,
    /// How many people are involved in all (group disputes count everyone, not only the
    /// named parties). At least the number of parties.
    #[serde(default)]
    pub headcount: u32,
    /// Where it happened or where the parties live: the unit it is registered in.
    pub location: DivisionCode,
    /// Urgency.
    pub urgency: Urgency,
    /// Risk colour.
    pub risk: RiskColour,
    /// Amount in dispute, in whole yuan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_yuan: Option<u64>,
    /// Flags.
    #[serde(default)]
    pub flags: Flags,
    /// What happened, in the registrar's words.
    #[serde(default)]
    pub description: String,
    /// When it was discovered (may precede registration).
    pub discovered_at: DateTime<Utc>,
    /// For cases assigned from above: the unit that assigned it and expects feedback.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assigned_by: Option<DivisionCode>,
    /// The case's id in the system that sent it (a 110 call, a 12345 ticket, a court's
    /// 委派 case). An engine registers each reference once: a second registration of it is
    /// refused as a duplicate naming the case it already is.
    // Boxed: most registrations have none, and every input held its 48 bytes (issue 37).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external: Option<Box<ExternalRef>>,
    /// A key the sender makes once per registration it means (a phone's UUID for a form):
    /// the same key again returns the case it registered and changes nothing, so a
    /// submission resent when the signal returns never makes a second case. The same key
    /// with another dispute is refused (`conflict`). 1–64 characters, no control characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idempotency_key: Option<String>,
}

impl DisputeInput {
    /// The number of people involved: the head count, or the number of parties if larger.
    pub fn people(&self) -> u32 {
        self.headcount.max(self.parties.len() as u32)
    }

    /// The group-size bucket.
    pub fn group_size(&self) -> GroupSize {
        GroupSize::of(self.people())
    }
}

/// A member of a handling team, as recorded on the case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct TeamMember {
    /// The role filled.
    pub role: crate::staff::Role,
    /// Who fills it.
    pub staff: StaffId,
    /// The unit they serve.
    pub unit: DivisionCode,
    /// Only in a case's recorded `route` event: where this member's `chosen` candidate
    /// stood in the explanation, and their open cases then. The recorded explanation leaves
    /// the chosen candidates out — they are this team, copied — and reads put them back
    /// from here, so the trace keeps each member once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chosen: Option<ChosenAt>,
}

/// Where a team member's `chosen` candidate stood in a decision's explanation, and their
/// load then (see [`TeamMember::chosen`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ChosenAt {
    /// Its index among the candidates.
    pub at: u32,
    /// Their open cases at the time.
    pub load: u32,
}

/// Agencies joined on a case.
pub type JoinedAgencies = Vec<AgencyId>;
