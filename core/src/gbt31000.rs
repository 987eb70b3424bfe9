//! GB/T 31000-2015 (社会治安综合治理基础数据规范, in force 2016-03-01): the codes upper
//! platforms expect of dispute data — 事件类型 (dispute type) and 层级 (level) — and how
//! the library's own words map to them and back.
//!
//! The library's categories follow the Ministry of Justice's people's-mediation form, which
//! does not cut disputes where the standard does: 房屋宅基地 falls under 0902 or 0403,
//! 损害赔偿 under 0401 or a 05 class, 山林土地 under 0901 or 0903. A mapping therefore says
//! whether it is exact; where a subtype decides it, it is used; otherwise the class's "other"
//! subclass (`xx99`) or the nearest subclass is given, marked inexact, and the note says
//! which way it loses. Incoming codes with no category of their own (03 人格权, 12–16) map to
//! `other`, inexact: keep the foreign code beside the case (its `external` reference).
//!
//! ```
//! use fengqiao::dispute::Category;
//! use fengqiao::gbt31000::{event_type, category_of};
//! let t = event_type(Category::Traffic, None);
//! assert_eq!((t.code, t.name, t.exact), ("0503", "交通事故", true));
//! let t = event_type(Category::Labour, Some("social_insurance"));
//! assert_eq!(t.code, "0702");
//! assert_eq!(category_of("0902"), Some((Category::HousingHomestead, true)));
//! assert_eq!(category_of("0301"), Some((Category::Other, false)));
//! ```

use serde::Serialize;

use crate::dispute::Category;
use crate::hierarchy::Level;

/// The standard's 事件类型 table: two digits for a class, four for a subclass (`xx99`:
/// other within the class). GB/T 31000-2015, as `shared/EXCHANGE.md` lists it.
pub const EVENT_TYPES: &[(&str, &str)] = &[
    ("01", "婚恋家庭纠纷"),
    ("0101", "恋爱及婚姻"),
    ("0102", "抚养赡养监护"),
    ("0103", "分家与继承"),
    ("0199", "其他婚恋家庭纠纷"),
    ("02", "邻里纠纷"),
    ("0201", "用水排水通行通风采光"),
    ("0202", "相邻土地建筑利用"),
    ("0203", "相邻污染损害防止"),
    ("0299", "其他邻里纠纷"),
    ("03", "人格权纠纷"),
    ("0301", "姓名肖像"),
    ("0302", "名誉隐私"),
    ("0303", "身体健康及人身自由"),
    ("0399", "其他人格权纠纷"),
    ("04", "物权相关纠纷"),
    ("0401", "财物返还及损害赔偿"),
    ("0402", "物业及其管理"),
    ("0403", "房屋等不动产登记"),
    ("0499", "其他物权相关纠纷"),
    ("05", "侵权相关纠纷"),
    ("0501", "教育机构"),
    ("0502", "医疗损害"),
    ("0503", "交通事故"),
    ("0504", "环境污染"),
    ("0505", "产品责任"),
    ("0506", "网络侵权"),
    ("0507", "劳务损害"),
    ("0599", "其他侵权相关纠纷"),
    ("06", "合同及相关纠纷"),
    ("0601", "消费及服务"),
    ("0602", "房产买卖租赁"),
    ("0603", "交易贸易"),
    ("0604", "运输仓储"),
    ("0699", "其他合同及相关纠纷"),
    ("07", "劳动人事争议"),
    ("0701", "劳动合同、劳务派遣"),
    ("0702", "社会保险"),
    ("0703", "福利待遇"),
    ("0704", "人事争议"),
    ("0799", "其他劳动人事争议"),
    ("08", "金融借贷纠纷"),
    ("0801", "证券基金期货"),
    ("0802", "投资信托理财"),
    ("0803", "保险"),
    ("0804", "借贷及担保"),
    ("0899", "其他金融借贷纠纷"),
    ("09", "土地及资源权属纠纷"),
    ("0901", "土地承包经营"),
    ("0902", "宅基地使用"),
    ("0903", "山林矿产"),
    ("0904", "水域水利"),
    ("0999", "其他土地及资源权属纠纷"),
    ("10", "其他民商事纠纷"),
    ("1001", "知识产权"),
    ("1002", "公司企业设立解散"),
    ("1003", "海事海商"),
    ("1004", "竞争纠纷"),
    ("1005", "票据与信用证"),
    ("1006", "无因管理与不当得利"),
    ("1099", "其他民商事纠纷"),
    ("11", "城乡建设发展纠纷"),
    ("1101", "国有土地上房屋征收"),
    ("1102", "农村集体土地征用"),
    ("1103", "城乡规划及拆违"),
    ("1104", "基础设施建设及市政市容"),
    ("1105", "移民安置"),
    ("1199", "其他城乡建设发展纠纷"),
    ("12", "涉民政纠纷"),
    ("1201", "村(社区)选举和管理"),
    ("1202", "优抚救助"),
    ("1203", "区划边界"),
    ("1299", "其他涉民政纠纷"),
    ("13", "其他行政执法纠纷"),
    ("1301", "城市管理"),
    ("1302", "教育文体管理"),
    ("1303", "工商税务管理"),
    ("1304", "安全生产管理"),
    ("1305", "交通运输管理"),
    ("1306", "海事渔事管理"),
    ("1307", "计划生育管理"),
    ("1399", "其他行政执法纠纷"),
    ("14", "涉法涉诉纠纷"),
    ("1401", "涉公安"),
    ("1402", "涉检察院"),
    ("1403", "涉法院"),
    ("1404", "涉司法行政机关"),
    ("15", "涉组织涉纪检纠纷"),
    ("1501", "组织人事"),
    ("1502", "干部作风"),
    ("1599", "其他涉组织涉纪检纠纷"),
    ("16", "涉民族宗教纠纷"),
    ("1601", "涉民族问题"),
    ("1602", "涉宗教问题"),
    ("99", "其他"),
];

/// The name of a 事件类型 code, if the table has it.
pub fn event_type_name(code: &str) -> Option<&'static str> {
    EVENT_TYPES
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, n)| *n)
}

/// A code of the standard with its name, and whether the library's word maps to it exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Code {
    /// The code (`0503`).
    pub code: &'static str,
    /// Its name in the standard (`交通事故`).
    pub name: &'static str,
    /// Whether the mapping loses nothing. When false, `note` says what is lost.
    pub exact: bool,
    /// Which way an inexact mapping loses (empty when exact).
    pub note: &'static str,
}

fn code(code: &'static str, exact: bool, note: &'static str) -> Code {
    Code {
        code,
        name: event_type_name(code).expect("a code of the table"),
        exact,
        note,
    }
}

/// The 事件类型 of a dispute of `category` (and `subtype`, when it decides the subclass;
/// the subtypes of the shipped rule set's vocabulary are known).
pub fn event_type(category: Category, subtype: Option<&str>) -> Code {
    use Category as C;
    const GUESS: &str = "the ministry's category spans several of the standard's subclasses; the subtype did not decide";
    match (category, subtype) {
        (C::MarriageFamily, Some("divorce" | "domestic_violence")) => code("0101", true, ""),
        (C::MarriageFamily, Some("support" | "child_custody")) => code("0102", true, ""),
        (C::MarriageFamily, Some("inheritance")) => code("0103", true, ""),
        (C::MarriageFamily, _) => code("0199", false, GUESS),
        (C::Neighbour, Some("water_drainage" | "right_of_way")) => code("0201", true, ""),
        (C::Neighbour, Some("boundary")) => code("0202", true, ""),
        (C::Neighbour, Some("noise")) => code("0203", true, ""),
        (C::Neighbour, _) => code("0299", false, GUESS),
        (C::HousingHomestead, _) => code(
            "0902",
            false,
            "房屋宅基地 is 0902 for homestead use, 0403 for the registration of a house",
        ),
        (C::Contract, Some("loan")) => code("0804", true, ""),
        (C::Contract, Some("sale" | "economic_dealings")) => code("0603", true, ""),
        (C::Contract, _) => code("0699", false, GUESS),
        (C::Business, _) => code(
            "1099",
            false,
            "生产经营 has no class of its own: filed under other civil and commercial disputes",
        ),
        (C::Damages, _) => code(
            "0401",
            false,
            "损害赔偿 is 0401 for property; harm by a product, a network or at work is 0505–0507",
        ),
        (C::ForestLand, Some("contracting")) => code("0901", true, ""),
        (C::ForestLand, _) => code(
            "0903",
            false,
            "山林土地 is 0903 for forests and mines, 0901 for contracted land, 0904 for water",
        ),
        (C::Expropriation, _) => code(
            "1102",
            false,
            "征地拆迁 is 1102 for collective land, 1101 for houses on state land",
        ),
        (C::Environment, _) => code("0504", true, ""),
        (C::Labour, Some("social_insurance")) => code("0702", true, ""),
        (C::Labour, Some("work_injury")) => code(
            "0507",
            false,
            "a work injury is a tort (劳务损害) when no labour relation is in dispute",
        ),
        (C::Labour, Some("wage_arrears" | "contract_termination")) => code("0701", true, ""),
        (C::Labour, _) => code("0799", false, GUESS),
        (C::Consumer, _) => code("0601", true, ""),
        (C::Medical, _) => code("0502", true, ""),
        (C::Traffic, _) => code("0503", true, ""),
        (C::PropertyManagement, _) => code("0402", true, ""),
        (C::Education, _) => code(
            "0501",
            false,
            "the standard's 0501 is harm at an education institution; a school-place dispute is 1302",
        ),
        (C::Other, _) => code("99", true, ""),
    }
}

/// The category of an incoming 事件类型 code (a subclass or a class), and whether it is
/// exact; `None` for a code the table does not have.
pub fn category_of(code: &str) -> Option<(Category, bool)> {
    use Category as C;
    event_type_name(code)?;
    let class = &code[..2];
    Some(match (class, code) {
        ("01", _) => (C::MarriageFamily, true),
        ("02", _) => (C::Neighbour, true),
        ("04", "0401") => (C::Damages, true),
        ("04", "0402") => (C::PropertyManagement, true),
        ("04", "0403") => (C::HousingHomestead, true),
        ("05", "0501") => (C::Education, true),
        ("05", "0502") => (C::Medical, true),
        ("05", "0503") => (C::Traffic, true),
        ("05", "0504") => (C::Environment, true),
        ("05", "0505" | "0506" | "0507") => (C::Damages, true),
        ("06", "0601") => (C::Consumer, true),
        ("06", _) => (C::Contract, true),
        ("07", _) => (C::Labour, true),
        ("08", _) => (C::Contract, false),
        ("09", "0902") => (C::HousingHomestead, true),
        ("09", _) => (C::ForestLand, true),
        ("10", _) => (C::Business, false),
        ("11", _) => (C::Expropriation, code == "1101" || code == "1102"),
        ("99", _) => (C::Other, true),
        // 03 人格权, 04/05/06 classes as such, 12–16: no category of the ministry's form.
        _ => (C::Other, false),
    })
}

/// The codes of one dispute for an upper platform: its 事件类型 and the 层级 of the unit it
/// is registered in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct EventCodes {
    /// 事件类型.
    pub event_type: Code,
    /// 层级 of the unit the dispute is registered in.
    pub level: LevelCode,
}

/// A 层级 code with its name, and whether the library's level maps to it exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct LevelCode {
    /// The code (`05`).
    pub code: &'static str,
    /// Its name (`乡镇街道`).
    pub name: &'static str,
    /// False below 村社区, where the standard has no level.
    pub exact: bool,
}

/// The codes of a dispute of `category`/`subtype` registered at a unit of `level`.
pub fn event_codes(category: Category, subtype: Option<&str>, level: Level) -> EventCodes {
    EventCodes {
        event_type: event_type(category, subtype),
        level: level_code(level),
    }
}

/// The standard's 层级 of a level: 01 中央 … 05 乡镇街道, 06 村社区. Grids, household groups
/// and households lie below 村社区, where the standard has no level: 06, inexact.
pub fn level_code(level: Level) -> LevelCode {
    let (code, name, exact) = match level {
        Level::Province => ("02", "省", true),
        Level::Prefecture => ("03", "市", true),
        Level::County => ("04", "县", true),
        Level::Street => ("05", "乡镇街道", true),
        Level::Community => ("06", "村社区", true),
        _ => ("06", "村社区", false),
    };
    LevelCode { code, name, exact }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every category maps to a code of the table (GB/T 31000-2015 事件类型), exactness
    /// stated, and every exact mapping comes back to its category.
    #[test]
    fn every_category_maps_to_a_code_of_the_table_and_exact_ones_come_back() {
        for &c in Category::ALL {
            let t = event_type(c, None);
            assert_eq!(event_type_name(t.code), Some(t.name), "{c}");
            assert_eq!(
                t.exact,
                t.note.is_empty(),
                "{c}: a note exactly when inexact"
            );
            if t.exact {
                assert_eq!(category_of(t.code), Some((c, true)), "{c}");
            }
        }
        // Each class has its "other" subclass, except 14 and 16, which list none.
        for (code, _) in EVENT_TYPES
            .iter()
            .filter(|(c, _)| c.len() == 2 && *c != "99")
        {
            let other = format!("{code}99");
            assert!(
                event_type_name(&other).is_some() || ["14", "16"].contains(code),
                "{other}"
            );
        }
        assert_eq!(category_of("7777"), None);
    }

    /// A subtype of the shipped vocabulary decides the subclass where it can.
    #[test]
    fn subtypes_decide_the_subclass() {
        assert_eq!(
            event_type(Category::Labour, Some("wage_arrears")).code,
            "0701"
        );
        assert_eq!(event_type(Category::Neighbour, Some("noise")).code, "0203");
        let guess = event_type(Category::Neighbour, None);
        assert_eq!((guess.code, guess.exact), ("0299", false));
        let street = level_code(Level::Street);
        assert_eq!(
            (street.code, street.name, street.exact),
            ("05", "乡镇街道", true)
        );
        assert!(!level_code(Level::Grid).exact);
    }
}
