//! The rules a dispute matched, without an allocation for the usual few.

use std::ops::Deref;

/// Matched rules are kept inline up to this many: under `first` one at most; the shipped
/// seventeen `collect` rules match one to five for the disputes of the 2023 ledger's mix.
const INLINE: usize = 8;

/// Indices (into [`super::RuleSet::rules`]) of the rules that matched a dispute, in
/// evaluation order: what [`super::Router::matching`] returns and
/// [`super::Router::outcome`] takes (as a slice: it dereferences to `[usize]`).
///
/// Why not a `Vec`: routing a dispute allocated the list of matched rules every time, and
/// for the one match of a `first` table that allocation cost a quarter of the whole match
/// (benches/zen). Up to eight are kept in place; more spill to the heap.
///
/// ```
/// use fengqiao::routing::{Facts, NoUnits, Router};
/// # let input: fengqiao::dispute::DisputeInput = serde_json::from_str(include_str!("../../../examples/data/dispute.json"))?;
/// let router = Router::default_rules();
/// let facts = Facts::of(&input, None, fengqiao::hierarchy::Level::Household);
/// let matched = router.matching(&facts, &NoUnits);
/// let ids: Vec<&str> = matched.iter().map(|&i| router.rule_set().rules[i].id.as_str()).collect();
/// assert!(ids.contains(&"labour-window"), "{ids:?}");
/// assert_eq!(matched, router.matching_reference(&facts, &NoUnits));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Default)]
pub struct Matched {
    inline: [usize; INLINE],
    len: usize,
    /// Every index once there are more than [`INLINE`]; empty (unallocated) until then.
    spill: Vec<usize>,
}

impl Matched {
    /// Adds the next matched rule.
    pub(crate) fn push(&mut self, i: usize) {
        if self.len < INLINE {
            self.inline[self.len] = i;
        } else {
            if self.spill.is_empty() {
                self.spill.extend_from_slice(&self.inline);
            }
            self.spill.push(i);
        }
        self.len += 1;
    }
}

impl Deref for Matched {
    type Target = [usize];

    fn deref(&self) -> &[usize] {
        if self.len <= INLINE {
            &self.inline[..self.len]
        } else {
            &self.spill
        }
    }
}

impl std::fmt::Debug for Matched {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl PartialEq for Matched {
    fn eq(&self, other: &Matched) -> bool {
        **self == **other
    }
}

impl Eq for Matched {}

impl PartialEq<Vec<usize>> for Matched {
    fn eq(&self, other: &Vec<usize>) -> bool {
        **self == **other
    }
}

impl PartialEq<[usize]> for Matched {
    fn eq(&self, other: &[usize]) -> bool {
        **self == *other
    }
}

impl From<Matched> for Vec<usize> {
    fn from(m: Matched) -> Vec<usize> {
        m.to_vec()
    }
}

impl<'a> IntoIterator for &'a Matched {
    type Item = &'a usize;
    type IntoIter = std::slice::Iter<'a, usize>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn past_the_inline_ones_every_index_is_kept_in_order() {
        let mut m = Matched::default();
        assert!(m.is_empty());
        for i in 0..20 {
            m.push(i * 3);
            assert_eq!(*m, (0..=i).map(|k| k * 3).collect::<Vec<_>>()[..]);
        }
        assert_eq!(Vec::from(m.clone()).len(), 20);
        assert_eq!(m, m.clone());
    }
}
