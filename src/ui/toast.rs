//! Toasts: short messages in the corner for results and errors of actions.

use super::theme;

/// How a toast looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToastKind {
    /// A result ("已保存").
    Info,
    /// A failed action; stays longer.
    Error,
}

/// One message.
#[derive(Debug, Clone, PartialEq)]
pub struct Toast {
    /// What it says.
    pub text: String,
    /// Its kind.
    pub kind: ToastKind,
    /// How long it stays on screen, in seconds.
    pub seconds: f64,
    /// When it was first drawn (the context's clock), once drawn.
    pub shown_at: Option<f64>,
}

/// The toasts on screen.
#[derive(Debug, Default)]
pub struct Toasts {
    items: Vec<Toast>,
}

impl Toasts {
    /// Shows a result.
    pub fn info(&mut self, text: impl Into<String>) {
        self.items.push(Toast {
            text: text.into(),
            kind: ToastKind::Info,
            seconds: 4.0,
            shown_at: None,
        });
    }

    /// Shows a failure.
    pub fn error(&mut self, text: impl Into<String>) {
        let text = text.into();
        tracing::warn!("{text}");
        self.items.push(Toast {
            text,
            kind: ToastKind::Error,
            seconds: 10.0,
            shown_at: None,
        });
    }

    /// The toasts now on screen (oldest first).
    #[must_use]
    pub fn items(&self) -> &[Toast] {
        &self.items
    }

    /// Draws the toasts in the bottom-right corner and takes them away when their time is up.
    pub fn show(&mut self, ctx: &egui::Context) {
        if self.items.is_empty() {
            return;
        }
        let now = ctx.input(|i| i.time);
        let mut closed = None;
        egui::Area::new(egui::Id::unique("toasts"))
            .anchor(egui::Align2::RIGHT_BOTTOM, egui::vec2(-12.0, -36.0))
            .order(egui::Order::Foreground)
            .show(ctx, |ui| {
                for (i, toast) in self.items.iter().enumerate() {
                    let (fill, stroke) = match toast.kind {
                        ToastKind::Info => (egui::Color32::from_rgb(0xE8, 0xF5, 0xEC), theme::OK),
                        ToastKind::Error => {
                            (egui::Color32::from_rgb(0xFB, 0xE9, 0xEA), theme::ERROR)
                        }
                    };
                    egui::Frame::popup(ui.style())
                        .fill(fill)
                        .stroke(egui::Stroke::new(1.0, stroke))
                        .show(ui, |ui| {
                            ui.set_max_width(420.0);
                            ui.horizontal(|ui| {
                                ui.label(egui::RichText::new(&toast.text).color(stroke));
                                if ui.small_button("关闭").clicked() {
                                    closed = Some(i);
                                }
                            });
                        });
                }
            });
        if let Some(i) = closed {
            self.items.remove(i);
        }
        for toast in &mut self.items {
            toast.shown_at.get_or_insert(now);
        }
        self.items
            .retain(|t| t.shown_at.is_none_or(|at| now - at < t.seconds));
        ctx.request_repaint_after(std::time::Duration::from_millis(250));
    }
}
