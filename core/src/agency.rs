//! The bodies that join a case: governance centres (综治中心) at each level, the police
//! (公安/派出所), the judicial office (司法所), the court (法院), and the sector departments
//! that make up the "+N" of "公安+司法+法院+综治+N".

use serde::{Deserialize, Serialize};

use crate::hierarchy::DivisionCode;
use crate::vocab::domain_enum;

domain_enum! {
    /// What kind of body an agency is. Routing rules ask for kinds; the engine finds the
    /// nearest body of that kind at or above the handling unit.
    pub enum AgencyKind {
        /// 综治中心 (street, village/community, county …)
        GovernanceCentre = ("governance_centre", "综治中心", "governance centre"),
        /// 公安/派出所
        Police = ("police", "公安（派出所）", "police"),
        /// 司法所 / 司法局
        Justice = ("justice", "司法（司法所）", "justice office"),
        /// 人民法院
        Court = ("court", "法院", "court"),
        /// 人力资源和社会保障 (labour disputes, arbitration)
        Labour = ("labour", "人社部门", "labour department"),
        /// 教育
        Education = ("education", "教育部门", "education department"),
        /// 住房和城乡建设 (property management, housing)
        Housing = ("housing", "住建部门", "housing department"),
        /// 自然资源 (land, forest)
        Land = ("land", "自然资源部门", "natural-resources department"),
        /// 信访
        Petitions = ("petitions", "信访部门", "petitions bureau"),
        /// 卫生健康 (medical disputes)
        Health = ("health", "卫健部门", "health department"),
        /// 公安交管 / 交通 (traffic accidents)
        Transport = ("transport", "交通部门", "transport department"),
        /// 生态环境
        Environment = ("environment", "生态环境部门", "environment department"),
        /// 市场监管 (consumer disputes)
        Market = ("market", "市场监管部门", "market-regulation department"),
        /// 民政 (marriage registration, family)
        CivilAffairs = ("civil_affairs", "民政部门", "civil-affairs department"),
        /// 妇联 (family, domestic violence)
        WomensFederation = ("womens_federation", "妇联", "women's federation"),
        /// 其他部门
        OtherDepartment = ("other_department", "其他部门", "other department"),
    }
}

impl AgencyKind {
    /// Whether this kind is a sector department (one of the "+N").
    pub const fn is_sector(self) -> bool {
        !matches!(
            self,
            AgencyKind::GovernanceCentre
                | AgencyKind::Police
                | AgencyKind::Justice
                | AgencyKind::Court
        )
    }
}

/// A host-chosen identifier for an agency.
pub type AgencyId = String;

/// A body that can join a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Agency {
    /// The host's key.
    pub id: AgencyId,
    /// Name, e.g. "洒金街道综治中心".
    pub name: String,
    /// Kind.
    pub kind: AgencyKind,
    /// The unit whose area it serves (a street's police station sits at the street).
    pub unit: DivisionCode,
}
