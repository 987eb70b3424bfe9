//! The shared vocabulary machinery: every closed set of domain words (roles, categories,
//! levels, …) is an enum with a stable snake_case JSON name, a Chinese label and an English
//! label. Vendors store the JSON name in their databases, show the Chinese label to users,
//! and log the English one; none of the three may drift, so one macro writes all three.

/// Declares a domain enum with its JSON name and labels.
///
/// Each variant is written `Variant = ("json_name", "中文", "English")`. The macro derives
/// serde with exactly that JSON name, `Display`/`FromStr` over it, `ALL` (declaration
/// order, which is also the order of `Ord`), `index()` (position in `ALL`) and the labels.
macro_rules! domain_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $var:ident = ($json:literal, $zh:literal, $en:literal) ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        $vis enum $name {
            $( $(#[$vmeta])* #[serde(rename = $json)] $var ),+
        }

        impl $name {
            /// Every value, in declaration order (the order of `Ord`).
            pub const ALL: &'static [$name] = &[ $( $name::$var ),+ ];

            /// The stable JSON name (snake_case).
            pub const fn as_str(self) -> &'static str {
                match self { $( $name::$var => $json ),+ }
            }

            /// The Chinese label a user of a governance system expects to read.
            pub const fn label_zh(self) -> &'static str {
                match self { $( $name::$var => $zh ),+ }
            }

            /// The English label, for logs and bilingual reports.
            pub const fn label_en(self) -> &'static str {
                match self { $( $name::$var => $en ),+ }
            }

            /// Position in [`Self::ALL`]; dense, so it can index arrays and bitsets.
            pub const fn index(self) -> usize {
                self as usize
            }
        }

        impl core::fmt::Display for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl core::str::FromStr for $name {
            type Err = $crate::vocab::UnknownWord;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $( $json => Ok($name::$var), )+
                    _ => Err($crate::vocab::UnknownWord {
                        vocabulary: stringify!($name),
                        word: s.to_string(),
                    }),
                }
            }
        }
    };
}

pub(crate) use domain_enum;

/// A word that is not in a closed vocabulary (an unknown role, category, level …).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {vocabulary} `{word}`")]
pub struct UnknownWord {
    /// Which vocabulary was asked (the Rust type's name, e.g. `Category`).
    pub vocabulary: &'static str,
    /// The word that was not found.
    pub word: String,
}
