//! Something to remember per row id (tenant, operator) while reading a large table
//! once: a vector indexed by id for the ids SQLite hands out (1, 2, 3…), so that a pass
//! over a million calls does no hashing, and a map for any id outside that range.

use std::collections::HashMap;

/// Ids up to this one are kept in the vector (a few bytes each); larger ones in the map.
const DENSE_UP_TO: i64 = 1 << 22;

#[derive(Debug, Default)]
pub(crate) struct IdMap<T> {
    dense: Vec<T>,
    sparse: HashMap<i64, T>,
}

impl<T: Copy + Default> IdMap<T> {
    /// Room for ids up to `max_id` without growing.
    pub(crate) fn with_max_id(max_id: i64) -> Self {
        IdMap {
            dense: vec![T::default(); (max_id.clamp(-1, DENSE_UP_TO) + 1) as usize],
            sparse: HashMap::new(),
        }
    }

    /// The value for `id`, the default when nothing was set.
    #[inline]
    pub(crate) fn get(&self, id: i64) -> T {
        match usize::try_from(id) {
            Ok(i) if i < self.dense.len() => self.dense[i],
            _ => self.sparse.get(&id).copied().unwrap_or_default(),
        }
    }

    #[inline]
    pub(crate) fn get_mut(&mut self, id: i64) -> &mut T {
        if (0..=DENSE_UP_TO).contains(&id) {
            let i = id as usize;
            if i >= self.dense.len() {
                self.dense.resize(i + 1, T::default());
            }
            &mut self.dense[i]
        } else {
            self.sparse.entry(id).or_default()
        }
    }

    /// Every id whose value is not the default, with its value.
    pub(crate) fn entries(&self) -> impl Iterator<Item = (i64, T)> + '_
    where
        T: PartialEq,
    {
        let dense = self.dense.iter().enumerate().map(|(i, v)| (i as i64, *v));
        let sparse = self.sparse.iter().map(|(id, v)| (*id, *v));
        dense.chain(sparse).filter(|(_, v)| *v != T::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_large_and_negative_ids_each_keep_their_value() {
        let mut m: IdMap<u32> = IdMap::with_max_id(3);
        for (id, v) in [(1, 10), (3, 30), (9, 90), (-4, 40), (1 << 40, 50)] {
            *m.get_mut(id) = v;
        }
        for (id, v) in [
            (1, 10),
            (2, 0),
            (3, 30),
            (9, 90),
            (-4, 40),
            (1 << 40, 50),
            (7, 0),
        ] {
            assert_eq!(m.get(id), v, "{id}");
        }
    }
}
