//! Internally tagged enums (`{"op": "resolve", "agreement": …}`) read without buffering.
//!
//! serde's derive reads an internally tagged enum by first copying the whole object into a
//! generic buffer (its private `Content`), then reading the variant from that buffer. For
//! [`crate::lifecycle::Operation`] — every event of every journal — that meant one
//! allocation per value of every event while restoring, and a second copy of the reading
//! code of every type an operation holds (decisions, agreements, inputs) compiled for the
//! buffer: 182 KB of the WebAssembly module's 1.59 MB of code (issue 37, item 4).
//!
//! The library writes the tag first (its canonical JSON), so [`tagged_enum!`] reads the
//! tag as the first key and the variant's fields straight from the rest of the object.
//! An object whose tag is not first (hand-written JSON) is still read: its entries are
//! taken as JSON values, put back in order with the tag first, and read again — slower,
//! with the same result and the same errors.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, EnumAccess, MapAccess, VariantAccess,
    Visitor,
};

/// Defines an enum whose JSON carries its variant in the field `$tag`, written as given
/// (with `#[serde(tag = …)]` among its attributes, for serialising and the schema), and
/// reads it through [`read`]: a private externally tagged mirror of the same variants and
/// fields derives the reading, and `From` moves the mirror's fields into the enum. The
/// mirror reads variant names in snake case and refuses unknown fields: the enum's own
/// `#[serde(…)]` must say the same, since its writing and its schema follow them (the
/// lifecycle's tests read every operation back, with its tag first and last).
macro_rules! tagged_enum {
    (
        tag = $tag:literal;
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $(
                $(#[$vmeta:meta])*
                $variant:ident $({
                    $( $(#[$fmeta:meta])* $field:ident : $ty:ty ),* $(,)?
                })?
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        $vis enum $name {
            $(
                $(#[$vmeta])*
                $variant $({ $( $(#[$fmeta])* $field: $ty ),* })?
            ),*
        }

        const _: () = {
            /// The same variants, externally tagged: what `tagged::read` reads the fields with.
            #[derive(serde::Deserialize)]
            #[serde(rename_all = "snake_case", deny_unknown_fields)]
            enum Mirror {
                $(
                    $(#[$vmeta])*
                    $variant $({ $( $(#[$fmeta])* $field: $ty ),* })?
                ),*
            }

            impl From<Mirror> for $name {
                fn from(m: Mirror) -> $name {
                    match m {
                        $( Mirror::$variant $({ $($field),* })? => $name::$variant $({ $($field),* })? ),*
                    }
                }
            }

            impl<'de> serde::Deserialize<'de> for $name {
                fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<$name, D::Error> {
                    $crate::tagged::read::<D, Mirror>(d, $tag, stringify!($name)).map(<$name>::from)
                }
            }
        };
    };
}
pub(crate) use tagged_enum;

/// Reads an internally tagged `M` (the mirror: externally tagged, deriving `Deserialize`)
/// from `d`: the fast path when `tag` is the object's first key, else by reordering.
pub(crate) fn read<'de, D, M>(d: D, tag: &'static str, name: &'static str) -> Result<M, D::Error>
where
    D: Deserializer<'de>,
    M: DeserializeOwned,
{
    d.deserialize_map(Tagged {
        tag,
        name,
        mirror: PhantomData,
    })
}

struct Tagged<M> {
    tag: &'static str,
    name: &'static str,
    mirror: PhantomData<M>,
}

impl<'de, M: DeserializeOwned> Visitor<'de> for Tagged<M> {
    type Value = M;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: an object with its `{}`", self.name, self.tag)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<M, A::Error> {
        let Some(first) = map.next_key_seed(FirstKey(self.tag))? else {
            return Err(de::Error::missing_field(self.tag));
        };
        if let Some(other) = first {
            return reordered(map, self.tag, self.name, other);
        }
        M::deserialize(Rest(map))
    }
}

/// The first key: `None` when it is the tag, else the key itself.
struct FirstKey(&'static str);

impl<'de> DeserializeSeed<'de> for FirstKey {
    type Value = Option<String>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<String>, D::Error> {
        d.deserialize_str(self)
    }
}

impl Visitor<'_> for FirstKey {
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Option<String>, E> {
        Ok((v != self.0).then(|| v.to_owned()))
    }
}

/// The tag's value and the object's remaining entries, as an externally tagged variant:
/// the tag names the variant, the entries are its fields.
struct Rest<A>(A);

impl<'de, A: MapAccess<'de>> Deserializer<'de> for Rest<A> {
    type Error = A::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, A::Error> {
        visitor.visit_enum(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum
        identifier ignored_any
    }
}

impl<'de, A: MapAccess<'de>> EnumAccess<'de> for Rest<A> {
    type Error = A::Error;
    type Variant = Rest<A>;

    fn variant_seed<V: DeserializeSeed<'de>>(
        mut self,
        seed: V,
    ) -> Result<(V::Value, Rest<A>), A::Error> {
        let variant = self.0.next_value_seed(seed)?;
        Ok((variant, self))
    }
}

impl<'de, A: MapAccess<'de>> VariantAccess<'de> for Rest<A> {
    type Error = A::Error;

    fn unit_variant(mut self) -> Result<(), A::Error> {
        // Nothing may follow the tag of a variant without fields.
        match self.0.next_key::<de::IgnoredAny>()? {
            None => Ok(()),
            Some(_) => Err(de::Error::invalid_length(2, &"only the tag")),
        }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, _: T) -> Result<T::Value, A::Error> {
        Err(de::Error::invalid_type(
            de::Unexpected::NewtypeVariant,
            &"a variant with named fields",
        ))
    }

    fn tuple_variant<V: Visitor<'de>>(self, _: usize, _: V) -> Result<V::Value, A::Error> {
        Err(de::Error::invalid_type(
            de::Unexpected::TupleVariant,
            &"a variant with named fields",
        ))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        visitor.visit_map(self.0)
    }
}

/// The slow path: the tag is not the first key. Every entry is read as a JSON value, the
/// object is written again with the tag first, and read by the fast path; an error keeps
/// its message (without the rewritten text's position).
fn reordered<'de, A, M>(
    mut map: A,
    tag: &'static str,
    name: &'static str,
    first: String,
) -> Result<M, A::Error>
where
    A: MapAccess<'de>,
    M: DeserializeOwned,
{
    let mut entries = vec![(first, map.next_value::<serde_json::Value>()?)];
    while let Some(key) = map.next_key::<String>()? {
        entries.push((key, map.next_value()?));
    }
    let Some(at) = entries.iter().position(|(k, _)| k == tag) else {
        return Err(de::Error::missing_field(tag));
    };
    let tagged = entries.remove(at);
    let mut text = String::from("{");
    for (i, (key, value)) in std::iter::once(tagged).chain(entries).enumerate() {
        if i > 0 {
            text.push(',');
        }
        // A string and a JSON value always serialise.
        text.push_str(&serde_json::Value::String(key).to_string());
        text.push(':');
        text.push_str(&value.to_string());
    }
    text.push('}');
    read::<_, M>(&mut serde_json::Deserializer::from_str(&text), tag, name).map_err(|e| {
        let message = e.to_string();
        let message = message
            .rfind(" at line ")
            .map_or(message.as_str(), |i| &message[..i]);
        de::Error::custom(message)
    })
}

#[cfg(test)]
mod tests {
    use crate::lifecycle::Operation;

    fn read(json: &str) -> Result<Operation, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    /// The tag anywhere reads the same operation; the library writes it first.
    #[test]
    fn the_tag_first_or_later_reads_the_same() {
        let first = read(r#"{"op": "verify", "satisfied": true, "note": "回访\"满意\""}"#).unwrap();
        let later = read(r#"{"satisfied": true, "note": "回访\"满意\"", "op": "verify"}"#).unwrap();
        let middle =
            read(r#"{"satisfied": true, "op": "verify", "note": "回访\"满意\""}"#).unwrap();
        assert_eq!(first, later);
        assert_eq!(first, middle);
        let text = serde_json::to_string(&first).unwrap();
        assert_eq!(
            text,
            r#"{"op":"verify","satisfied":true,"note":"回访\"满意\""}"#
        );
        assert_eq!(read(&text).unwrap(), first);
        // Defaults apply either way.
        assert_eq!(
            read(r#"{"op": "close"}"#).unwrap(),
            Operation::Close {
                summary: String::new()
            }
        );
    }

    /// What is wrong is named the same way whichever key comes first.
    #[test]
    fn errors_name_what_is_wrong_wherever_the_tag_is() {
        for json in [r#"{}"#, r#"{"note": "x"}"#] {
            let e = read(json).unwrap_err();
            assert!(e.starts_with("missing field `op`"), "{json}: {e}");
        }
        for json in [r#"{"op": "fly"}"#, r#"{"note": "x", "op": "fly"}"#] {
            let e = read(json).unwrap_err();
            assert!(
                e.starts_with("unknown variant `fly`, expected one of `register`"),
                "{json}: {e}"
            );
        }
        for json in [
            r#"{"op": "close", "colour": 1}"#,
            r#"{"colour": 1, "op": "close"}"#,
        ] {
            let e = read(json).unwrap_err();
            assert!(
                e.starts_with("unknown field `colour`, expected `summary`"),
                "{json}: {e}"
            );
        }
        for json in [r#"{"op": "verify"}"#, r#"{"note": "", "op": "verify"}"#] {
            let e = read(json).unwrap_err();
            assert!(e.starts_with("missing field `satisfied`"), "{json}: {e}");
        }
        for json in [r#"{"op": 3}"#, r#"[1]"#, r#""close""#] {
            assert!(read(json).is_err(), "{json}");
        }
        // The reordered text's own position is not reported as the caller's.
        let e = read(r#"{"satisfied": "yes", "op": "verify"}"#).unwrap_err();
        assert!(
            e.starts_with("invalid type: string \"yes\", expected a boolean"),
            "{e}"
        );
        assert_eq!(e.matches(" at line ").count(), 1, "{e}");
    }
}
