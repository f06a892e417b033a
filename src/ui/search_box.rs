//! The search box that is always there: finds a unit by code, name, phone, plate or pinyin
//! initials as the person types, and jumps to it.

use super::theme;
use super::toast::Toasts;
use crate::domain::search::{SearchHit, SearchIndex};
use crate::store::Store;

/// How many hits the list shows.
const MAX_HITS: usize = 12;

/// The search box's state.
#[derive(Debug, Default)]
pub struct SearchBox {
    query: String,
    searched: String,
    hits: Vec<SearchHit>,
    index: SearchIndex,
}

impl SearchBox {
    /// Rebuilds the index from the archive (after a change).
    pub fn rebuild(&mut self, store: &Store, toasts: &mut Toasts) {
        match store.search_entries() {
            Ok(entries) => {
                self.index = SearchIndex::build(entries);
                self.hits = self.index.query(&self.query, MAX_HITS);
            }
            Err(e) => toasts.error(format!("搜索索引没有建好：{e}")),
        }
    }

    /// Draws the box and its hit list; returns the unit to jump to.
    pub fn ui(&mut self, ui: &mut egui::Ui) -> Option<i64> {
        let mut jump = None;
        let edit = ui.add(
            egui::TextEdit::singleline(&mut self.query)
                .hint_text("房号/姓名/电话/车牌/拼音首字母")
                .desired_width(260.0),
        );
        let label = ui.label("搜索");
        let edit = edit.labelled_by(label.id);
        if self.query != self.searched {
            self.hits = self.index.query(&self.query, MAX_HITS);
            self.searched.clone_from(&self.query);
        }
        if edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
            jump = self.hits.first().map(|h| h.unit_id);
        }
        if !self.query.trim().is_empty() && jump.is_none() {
            let mut close = false;
            egui::Area::new(egui::Id::unique("search_hits"))
                .fixed_pos(edit.rect.left_bottom() + egui::vec2(0.0, 4.0))
                .order(egui::Order::Foreground)
                .show(ui.ctx(), |ui| {
                    egui::Frame::popup(ui.style()).show(ui, |ui| {
                        ui.set_min_width(edit.rect.width().max(320.0));
                        if self.hits.is_empty() {
                            ui.label(egui::RichText::new("没有找到").color(theme::MUTED));
                        }
                        for hit in &self.hits {
                            let text = format!("{}    {}", hit.unit_code, hit.detail);
                            if ui.selectable_label(false, text).clicked() {
                                jump = Some(hit.unit_id);
                            }
                        }
                        if ui.small_button("清除搜索").clicked() {
                            close = true;
                        }
                    });
                });
            if close {
                self.query.clear();
            }
        }
        if jump.is_some() {
            self.query.clear();
        }
        jump
    }
}
