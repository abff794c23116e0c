//! A column of numbers, one per tenant, as narrow as its largest number needs: a
//! tenant's last name is one of a few hundred (one byte), their home one of a few
//! thousand (two bytes). It widens when a larger number comes.

pub enum Column {
    Byte(Vec<u8>),
    Short(Vec<u16>),
    Full(Vec<u32>),
}

impl Default for Column {
    fn default() -> Self {
        Column::Byte(Vec::new())
    }
}

impl Column {
    pub fn push(&mut self, value: u32) {
        match self {
            Column::Byte(v) => match u8::try_from(value) {
                Ok(b) => v.push(b),
                Err(_) => {
                    *self = Column::Short(v.iter().map(|&b| u16::from(b)).collect());
                    self.push(value);
                }
            },
            Column::Short(v) => match u16::try_from(value) {
                Ok(s) => v.push(s),
                Err(_) => {
                    *self = Column::Full(v.iter().map(|&s| u32::from(s)).collect());
                    self.push(value);
                }
            },
            Column::Full(v) => v.push(value),
        }
    }

    pub fn get(&self, n: usize) -> u32 {
        match self {
            Column::Byte(v) => u32::from(v[n]),
            Column::Short(v) => u32::from(v[n]),
            Column::Full(v) => v[n],
        }
    }

    pub fn shrink_to_fit(&mut self) {
        match self {
            Column::Byte(v) => v.shrink_to_fit(),
            Column::Short(v) => v.shrink_to_fit(),
            Column::Full(v) => v.shrink_to_fit(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widens_and_keeps_what_it_held() {
        let mut c = Column::default();
        let values = [0, 255, 256, 7, 65_535, 65_536, u32::MAX, 3];
        for v in values {
            c.push(v);
        }
        assert!(matches!(c, Column::Full(_)));
        for (n, v) in values.iter().enumerate() {
            assert_eq!(c.get(n), *v);
        }
        let mut small = Column::default();
        small.push(200);
        assert!(matches!(small, Column::Byte(_)));
    }
}
