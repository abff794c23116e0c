//! A single-line text field. The cursor counts characters, never bytes, so names with
//! accents are edited safely.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextField {
    value: String,
    /// Position of the cursor in characters, 0..=len.
    cursor: usize,
}

impl TextField {
    /// A field holding `value`, the cursor at its end.
    pub fn new(value: &str) -> TextField {
        TextField {
            value: value.to_string(),
            cursor: value.chars().count(),
        }
    }

    pub fn value(&self) -> &str {
        &self.value
    }

    pub fn is_blank(&self) -> bool {
        self.value.trim().is_empty()
    }

    pub fn cursor(&self) -> usize {
        self.cursor
    }

    fn len(&self) -> usize {
        self.value.chars().count()
    }

    fn byte_at(&self, chars: usize) -> usize {
        self.value
            .char_indices()
            .nth(chars)
            .map_or(self.value.len(), |(i, _)| i)
    }

    pub fn insert(&mut self, c: char) {
        if c.is_control() {
            return;
        }
        let at = self.byte_at(self.cursor);
        self.value.insert(at, c);
        self.cursor += 1;
    }

    pub fn backspace(&mut self) {
        if self.cursor == 0 {
            return;
        }
        let at = self.byte_at(self.cursor - 1);
        self.value.remove(at);
        self.cursor -= 1;
    }

    pub fn delete(&mut self) {
        if self.cursor >= self.len() {
            return;
        }
        let at = self.byte_at(self.cursor);
        self.value.remove(at);
    }

    pub fn left(&mut self) {
        self.cursor = self.cursor.saturating_sub(1);
    }

    pub fn right(&mut self) {
        self.cursor = (self.cursor + 1).min(self.len());
    }

    pub fn home(&mut self) {
        self.cursor = 0;
    }

    pub fn end(&mut self) {
        self.cursor = self.len();
    }

    /// Applies a typing or cursor action; `None` when `action` is not one. `Some(true)`
    /// when the text changed (so that a list filtered by it is searched again).
    pub fn edit(&mut self, action: super::Action) -> Option<bool> {
        use super::Action as A;
        match action {
            A::Char(c) => self.insert(c),
            A::Backspace => self.backspace(),
            A::Delete => self.delete(),
            A::Left => self.left(),
            A::Right => self.right(),
            A::Home => self.home(),
            A::End => self.end(),
            A::ClearField => *self = TextField::default(),
            _ => return None,
        }
        Some(matches!(
            action,
            A::Char(_) | A::Backspace | A::Delete | A::ClearField
        ))
    }

    pub fn set(&mut self, value: &str) {
        *self = TextField::new(value);
    }

    /// The part that fits in `width` columns and the cursor's column in it: the text
    /// scrolls so that the cursor stays visible.
    pub fn visible(&self, width: usize) -> (String, usize) {
        let width = width.max(1);
        let start = (self.cursor + 1).saturating_sub(width);
        let shown: String = self.value.chars().skip(start).take(width).collect();
        (shown, self.cursor - start)
    }
}

impl Serialize for TextField {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.value)
    }
}

impl<'de> Deserialize<'de> for TextField {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(TextField::new(&String::deserialize(d)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_accented_text_by_character() {
        let mut f = TextField::new("Hélène");
        f.left();
        f.left();
        f.backspace();
        assert_eq!(f.value(), "Hélne");
        f.insert('è');
        assert_eq!(f.value(), "Hélène");
        f.home();
        f.delete();
        assert_eq!(f.value(), "élène");
        f.end();
        f.right();
        f.insert('!');
        assert_eq!(f.value(), "élène!");
        f.home();
        f.backspace();
        assert_eq!(f.value(), "élène!");
    }

    #[test]
    fn long_text_scrolls_to_keep_the_cursor_visible() {
        let f = TextField::new("Lefèvre Hélène");
        let (shown, col) = f.visible(6);
        assert_eq!(shown, "élène");
        assert_eq!(col, 5);
        let mut g = f.clone();
        g.home();
        assert_eq!(g.visible(6), ("Lefèvr".to_string(), 0));
    }

    #[test]
    fn control_characters_are_not_inserted() {
        let mut f = TextField::default();
        f.insert('\u{7}');
        f.insert('\n');
        assert_eq!(f.value(), "");
    }
}
